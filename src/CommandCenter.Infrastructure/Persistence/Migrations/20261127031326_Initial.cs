using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CommandCenter.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Alerts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    CategoryCode = table.Column<string>(type: "TEXT", nullable: false),
                    Severity = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ExternalId = table.Column<string>(type: "TEXT", nullable: false),
                    GridCode = table.Column<string>(type: "TEXT", nullable: false),
                    CommunityCode = table.Column<string>(type: "TEXT", nullable: false),
                    TownCode = table.Column<string>(type: "TEXT", nullable: false),
                    Latitude = table.Column<double>(type: "REAL", nullable: true),
                    Longitude = table.Column<double>(type: "REAL", nullable: true),
                    OccurredAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ReportedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastReportedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    ReporterName = table.Column<string>(type: "TEXT", nullable: true),
                    ReporterPhone = table.Column<string>(type: "TEXT", nullable: true),
                    RepeatCount = table.Column<int>(type: "INTEGER", nullable: false),
                    PolicyVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    IsLateReport = table.Column<bool>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Alerts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AuditEntries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    SubjectId = table.Column<string>(type: "TEXT", nullable: false),
                    Action = table.Column<string>(type: "TEXT", nullable: false),
                    Actor = table.Column<string>(type: "TEXT", nullable: false),
                    Seat = table.Column<string>(type: "TEXT", nullable: true),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    FromState = table.Column<string>(type: "TEXT", nullable: true),
                    ToState = table.Column<string>(type: "TEXT", nullable: true),
                    Comment = table.Column<string>(type: "TEXT", nullable: true),
                    Deadline = table.Column<long>(type: "INTEGER", nullable: true),
                    PolicyVersion = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditEntries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Categories",
                columns: table => new
                {
                    Code = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    ParentCode = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Categories", x => x.Code);
                });

            migrationBuilder.CreateTable(
                name: "Deployments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TeamCode = table.Column<string>(type: "TEXT", nullable: false),
                    AlertId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    DispatchedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    EnRouteAt = table.Column<long>(type: "INTEGER", nullable: true),
                    OnSceneAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ReturningAt = table.Column<long>(type: "INTEGER", nullable: true),
                    EndedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Deployments", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Nodes",
                columns: table => new
                {
                    Code = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    Level = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ParentCode = table.Column<string>(type: "TEXT", nullable: true),
                    ResponsibleName = table.Column<string>(type: "TEXT", nullable: false),
                    ResponsiblePhone = table.Column<string>(type: "TEXT", nullable: true),
                    Workers = table.Column<string>(type: "TEXT", nullable: false),
                    BoundaryWkt = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Nodes", x => x.Code);
                });

            migrationBuilder.CreateTable(
                name: "PetitionWarnings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ExternalId = table.Column<string>(type: "TEXT", nullable: false),
                    OriginCode = table.Column<string>(type: "TEXT", nullable: false),
                    TownCode = table.Column<string>(type: "TEXT", nullable: false),
                    CommunityCode = table.Column<string>(type: "TEXT", nullable: true),
                    GridCode = table.Column<string>(type: "TEXT", nullable: true),
                    Destination = table.Column<string>(type: "TEXT", nullable: false),
                    Subject = table.Column<string>(type: "TEXT", nullable: false),
                    EstimatedHeadcount = table.Column<int>(type: "INTEGER", nullable: false),
                    Attention = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Stage = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ReportedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastFollowUpAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ReporterName = table.Column<string>(type: "TEXT", nullable: true),
                    PolicyVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PetitionWarnings", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Policies",
                columns: table => new
                {
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    EffectiveFrom = table.Column<long>(type: "INTEGER", nullable: false),
                    Document = table.Column<string>(type: "TEXT", nullable: false),
                    LoadedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Policies", x => x.Version);
                });

            migrationBuilder.CreateTable(
                name: "Teams",
                columns: table => new
                {
                    Code = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Level = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    NodeCode = table.Column<string>(type: "TEXT", nullable: false),
                    Members = table.Column<string>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    StatusSince = table.Column<long>(type: "INTEGER", nullable: false),
                    Latitude = table.Column<double>(type: "REAL", nullable: true),
                    Longitude = table.Column<double>(type: "REAL", nullable: true),
                    PositionAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CurrentAlertId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Teams", x => x.Code);
                });

            migrationBuilder.CreateTable(
                name: "AlertReports",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AlertId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ExternalId = table.Column<string>(type: "TEXT", nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    OccurredAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ReporterName = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AlertReports", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AlertReports_Alerts_AlertId",
                        column: x => x.AlertId,
                        principalTable: "Alerts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PetitionFollowUps",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    PetitionWarningId = table.Column<Guid>(type: "TEXT", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Text = table.Column<string>(type: "TEXT", nullable: false),
                    ReporterName = table.Column<string>(type: "TEXT", nullable: true),
                    FromStage = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ToStage = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    EstimatedHeadcount = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PetitionFollowUps", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PetitionFollowUps_PetitionWarnings_PetitionWarningId",
                        column: x => x.PetitionWarningId,
                        principalTable: "PetitionWarnings",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AlertReports_AlertId",
                table: "AlertReports",
                column: "AlertId");

            migrationBuilder.CreateIndex(
                name: "IX_AlertReports_Source_ExternalId",
                table: "AlertReports",
                columns: new[] { "Source", "ExternalId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_GridCode_CategoryCode_LastReportedAt",
                table: "Alerts",
                columns: new[] { "GridCode", "CategoryCode", "LastReportedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_ReportedAt",
                table: "Alerts",
                column: "ReportedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_State_ReportedAt",
                table: "Alerts",
                columns: new[] { "State", "ReportedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_TownCode_ReportedAt",
                table: "Alerts",
                columns: new[] { "TownCode", "ReportedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_At",
                table: "AuditEntries",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_Subject_SubjectId_At",
                table: "AuditEntries",
                columns: new[] { "Subject", "SubjectId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_Deployments_AlertId",
                table: "Deployments",
                column: "AlertId");

            migrationBuilder.CreateIndex(
                name: "IX_Deployments_TeamCode_EndedAt",
                table: "Deployments",
                columns: new[] { "TeamCode", "EndedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Nodes_ParentCode",
                table: "Nodes",
                column: "ParentCode");

            migrationBuilder.CreateIndex(
                name: "IX_PetitionFollowUps_PetitionWarningId",
                table: "PetitionFollowUps",
                column: "PetitionWarningId");

            migrationBuilder.CreateIndex(
                name: "IX_PetitionWarnings_Source_ExternalId",
                table: "PetitionWarnings",
                columns: new[] { "Source", "ExternalId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PetitionWarnings_TownCode_ReportedAt",
                table: "PetitionWarnings",
                columns: new[] { "TownCode", "ReportedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Teams_NodeCode",
                table: "Teams",
                column: "NodeCode");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AlertReports");

            migrationBuilder.DropTable(
                name: "AuditEntries");

            migrationBuilder.DropTable(
                name: "Categories");

            migrationBuilder.DropTable(
                name: "Deployments");

            migrationBuilder.DropTable(
                name: "Nodes");

            migrationBuilder.DropTable(
                name: "PetitionFollowUps");

            migrationBuilder.DropTable(
                name: "Policies");

            migrationBuilder.DropTable(
                name: "Teams");

            migrationBuilder.DropTable(
                name: "Alerts");

            migrationBuilder.DropTable(
                name: "PetitionWarnings");
        }
    }
}
