using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CommandCenter.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class CityScaleIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Alerts_StageDeadline",
                table: "Alerts");

            migrationBuilder.DropIndex(
                name: "IX_Alerts_State_ReportedAt",
                table: "Alerts");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_Subject_At",
                table: "AuditEntries",
                columns: new[] { "Subject", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_Open",
                table: "Alerts",
                column: "StageDeadline",
                filter: "\"State\" NOT IN ('Closed', 'Voided')");

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_OpenInCommunity",
                table: "Alerts",
                columns: new[] { "CommunityCode", "StageDeadline", "Id" },
                filter: "\"State\" NOT IN ('Closed', 'Voided')");

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_OpenInGrid",
                table: "Alerts",
                columns: new[] { "GridCode", "StageDeadline", "Id" },
                filter: "\"State\" NOT IN ('Closed', 'Voided')");

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_OpenInTown",
                table: "Alerts",
                columns: new[] { "TownCode", "StageDeadline", "Id" },
                filter: "\"State\" NOT IN ('Closed', 'Voided')");

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_UpdatedAt",
                table: "Alerts",
                column: "UpdatedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_AuditEntries_Subject_At",
                table: "AuditEntries");

            migrationBuilder.DropIndex(
                name: "IX_Alerts_Open",
                table: "Alerts");

            migrationBuilder.DropIndex(
                name: "IX_Alerts_OpenInCommunity",
                table: "Alerts");

            migrationBuilder.DropIndex(
                name: "IX_Alerts_OpenInGrid",
                table: "Alerts");

            migrationBuilder.DropIndex(
                name: "IX_Alerts_OpenInTown",
                table: "Alerts");

            migrationBuilder.DropIndex(
                name: "IX_Alerts_UpdatedAt",
                table: "Alerts");

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_StageDeadline",
                table: "Alerts",
                column: "StageDeadline");

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_State_ReportedAt",
                table: "Alerts",
                columns: new[] { "State", "ReportedAt" });
        }
    }
}
