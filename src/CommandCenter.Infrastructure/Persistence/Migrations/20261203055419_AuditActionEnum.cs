using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CommandCenter.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class AuditActionEnum : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // AuditEntries.Action became an enum stored by name: the column stays TEXT with the same values, and the
            // enums' 32-character limit it gained is not one SQLite keeps. Nothing to change in the store.
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
        }
    }
}
