using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CommandCenter.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Monitoring : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "FollowUpOverdueSince",
                table: "PetitionWarnings",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LateChargedAt",
                table: "Alerts",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LateChargedTo",
                table: "Alerts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "GridCheckIns",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    GridCode = table.Column<string>(type: "TEXT", nullable: false),
                    WorkerName = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_GridCheckIns", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_UnchargedLateReports",
                table: "Alerts",
                column: "ReportedAt",
                filter: "\"IsLateReport\" AND \"LateChargedAt\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_AlertReports_ReceivedAt",
                table: "AlertReports",
                column: "ReceivedAt");

            migrationBuilder.CreateIndex(
                name: "IX_GridCheckIns_At",
                table: "GridCheckIns",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_GridCheckIns_GridCode_At",
                table: "GridCheckIns",
                columns: new[] { "GridCode", "At" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "GridCheckIns");

            migrationBuilder.DropIndex(
                name: "IX_Alerts_UnchargedLateReports",
                table: "Alerts");

            migrationBuilder.DropIndex(
                name: "IX_AlertReports_ReceivedAt",
                table: "AlertReports");

            migrationBuilder.DropColumn(
                name: "FollowUpOverdueSince",
                table: "PetitionWarnings");

            migrationBuilder.DropColumn(
                name: "LateChargedAt",
                table: "Alerts");

            migrationBuilder.DropColumn(
                name: "LateChargedTo",
                table: "Alerts");
        }
    }
}
