using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CommandCenter.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class WorkerReports : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "WorkerReportedAt",
                table: "Alerts",
                type: "INTEGER",
                nullable: true);

            // Alerts a grid worker raised were reported by the worker when they were raised.
            migrationBuilder.Sql("UPDATE Alerts SET WorkerReportedAt = ReportedAt WHERE Source = 'GridWorker';");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "WorkerReportedAt",
                table: "Alerts");
        }
    }
}
