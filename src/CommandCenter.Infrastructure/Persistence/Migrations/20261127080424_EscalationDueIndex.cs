using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CommandCenter.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class EscalationDueIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Alerts_EscalationDue",
                table: "Alerts",
                column: "StageDeadline",
                filter: "\"EscalatedDeadline\" IS NULL OR \"EscalatedDeadline\" < \"StageDeadline\"");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Alerts_EscalationDue",
                table: "Alerts");
        }
    }
}
