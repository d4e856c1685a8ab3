using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CommandCenter.Infrastructure.PostgreSQL.Migrations
{
    /// <inheritdoc />
    public partial class OutboxWriterLeases : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "LastSeenAt",
                table: "MetricOutboxes",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "RetiredAt",
                table: "MetricOutboxes",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Writer",
                table: "MetricOutboxes",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateIndex(
                name: "IX_MetricOutboxes_RetiredAt_Writer",
                table: "MetricOutboxes",
                columns: new[] { "RetiredAt", "Writer" });

            // Registrations from before leases keep the numbers they were given, as seen when they registered; those
            // whose number a later one reused (more than 100 ago) hold nothing.
            migrationBuilder.Sql("""
                UPDATE "MetricOutboxes" SET "Writer" = ("Id" - 1) % 100, "LastSeenAt" = "RegisteredAt";
                UPDATE "MetricOutboxes" SET "RetiredAt" = "RegisteredAt" WHERE "Id" <= (SELECT MAX("Id") FROM "MetricOutboxes") - 100;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_MetricOutboxes_RetiredAt_Writer",
                table: "MetricOutboxes");

            migrationBuilder.DropColumn(
                name: "LastSeenAt",
                table: "MetricOutboxes");

            migrationBuilder.DropColumn(
                name: "RetiredAt",
                table: "MetricOutboxes");

            migrationBuilder.DropColumn(
                name: "Writer",
                table: "MetricOutboxes");
        }
    }
}
