#if POSTGRESQL
using System.Data.Common;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Infrastructure.Supervision;
using CommandCenter.Infrastructure.Workflow;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CommandCenter.Infrastructure.Tests.Persistence;

/// <summary>
/// On PostgreSQL, the queries whose plans the SQLite suite pins — ingestion's two look-ups, the escalation scan, the
/// open-alert reads of every level, the console's page, the wall's load, supervision's range — are answered from the
/// same indexes, partial ones included (supervision's from the time index, with or without the subject). A test store is small enough that a scan would win on cost, so each plan is
/// taken with sequential scans off: an index that does not fit the query still shows up as a scan.
/// </summary>
public sealed class PostgreSqlIndexUseTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private StoreHost _host = null!;

    public async Task InitializeAsync() => _host = await StoreHost.StartAsync(_dir.Path);

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task SeenBefore_SeeksTheSourceAndExternalIdIndex()
    {
        var sent = new SentCommands();
        await using var db = sent.Context(_host);

        await AlertIngestionService.SeenBeforeQuery(db, AlertSource.Hotline, ["a-1", "a-2"]).ToListAsync();

        AssertUses("IX_AlertReports_Source_ExternalId", await ExplainAsync(db, sent.Single()));
    }

    [Fact]
    public async Task LatestOpen_SeeksTheGridCategoryAndLastReportedIndex()
    {
        var sent = new SentCommands();
        await using var db = sent.Context(_host);

        await AlertIngestionService.LatestOpenQuery(db, [DemoCity.GridCode(0, 0, 1), DemoCity.GridCode(0, 0, 2)], ["0101", "0102"], _host.Time.GetUtcNow()).ToListAsync();

        AssertUses("IX_Alerts_GridCode_CategoryCode_LastReportedAt", await ExplainAsync(db, sent.Single()));
    }

    [Fact]
    public async Task TheEscalationScan_ReadsThePartialDueIndex()
    {
        await using var db = _host.NewDbContext();

        AssertUses("IX_Alerts_EscalationDue", await ExplainAsync(db, EscalationService.Due(db.Alerts, _host.Time.GetUtcNow(), EscalationService.DefaultBatchSize)));
    }

    [Theory]
    [InlineData("330188", "IX_Alerts_Open")]
    [InlineData("330188001", "IX_Alerts_OpenInTown")]
    [InlineData("330188001001", "IX_Alerts_OpenInCommunity")]
    [InlineData("330188001001001", "IX_Alerts_OpenInGrid")]
    public async Task OpenAlertsOfANode_AreReadFromTheOpenIndexOfItsLevel(string code, string index)
    {
        await using var db = _host.NewDbContext();

        AssertUses(index, await ExplainAsync(db, db.Alerts.InSubtree(Node(code)).WhereOpen()));
    }

    [Theory]
    [InlineData("330188001", "IX_Alerts_OpenInTown")]
    [InlineData("330188001001", "IX_Alerts_OpenInCommunity")]
    [InlineData("330188001001001", "IX_Alerts_OpenInGrid")]
    public async Task TheConsolesPageOfAPlace_ComesOffItsIndexUnsorted(string code, string index)
    {
        await using var db = _host.NewDbContext();

        var plan = await ExplainAsync(db, db.Alerts.InSubtree(Node(code)).WhereOpen().InUrgencyOrder().Page(3, 50));

        AssertUses(index, plan);
        Assert.DoesNotContain("Sort", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWallsLoad_ReadsAlertsChangedLatelyFromTheUpdatedAtIndex()
    {
        await using var db = _host.NewDbContext();

        AssertUses("IX_Alerts_UpdatedAt", await ExplainAsync(db, Infrastructure.Wall.StoreWallSnapshotSource.ChangedSinceReportedBefore(db.Alerts, _host.Time.GetUtcNow().AddHours(-6))));
    }

    /// <summary>
    /// With a year of history and fresh statistics (on an empty trail every index costs the same). Nearly every entry
    /// is an alert's, so PostgreSQL may take the time index alone and filter the subject; either way a range by time.
    /// </summary>
    [Fact]
    public async Task SupervisionSteps_AreARangeOfTheTrailByTime()
    {
        await History.WriteAsync(_host.Get<IDbContextFactory<CommandCenterDbContext>>(), _host.Get<ReferenceData>(), 5_000, _host.Time.GetUtcNow(), TimeSpan.FromDays(365));
        await using var db = _host.NewDbContext();
        await db.Database.ExecuteSqlRawAsync("ANALYZE \"AuditEntries\"");

        var plan = await ExplainAsync(db, SupervisionService.ScoredSteps(db.AuditEntries, _host.Time.GetUtcNow().AddDays(-30)));

        Assert.Matches(@"Index (Only )?Scan using ""IX_AuditEntries_(Subject_)?At""", plan);
        Assert.Contains("\"At\" >=", plan.Split('\n').Single(l => l.TrimStart().StartsWith("Index Cond:", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan", plan, StringComparison.Ordinal);
    }

    private static void AssertUses(string index, string plan)
    {
        Assert.True(plan.Contains(index, StringComparison.Ordinal), $"Expected {index} in:\n{plan}");
        Assert.False(plan.Contains("Seq Scan", StringComparison.Ordinal), $"A sequential scan in:\n{plan}");
    }

    private AdminNode Node(string code) => _host.Get<ReferenceData>().Map.Find(code)!;

    private static async Task<string> ExplainAsync<T>(CommandCenterDbContext db, IQueryable<T> query)
    {
        await using var command = query.CreateDbCommand();
        return await ExplainAsync(db, command.CommandText, [.. command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, p.Value))]);
    }

    private static Task<string> ExplainAsync(CommandCenterDbContext db, Sent sent) => ExplainAsync(db, sent.Text, sent.Parameters);

    /// <summary>PostgreSQL's plan for a command with the values it was sent with, sequential scans off.</summary>
    private static async Task<string> ExplainAsync(CommandCenterDbContext db, string text, IReadOnlyList<(string Name, object? Value)> parameters)
    {
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var off = connection.CreateCommand())
        {
            off.Transaction = transaction;
            off.CommandText = "SET LOCAL enable_seqscan = off";
            await off.ExecuteNonQueryAsync();
        }

        await using var explain = connection.CreateCommand();
        explain.Transaction = transaction;
        explain.CommandText = "EXPLAIN " + text;
        foreach (var (name, value) in parameters)
        {
            var parameter = explain.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            explain.Parameters.Add(parameter);
        }

        var plan = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(0));
        }

        return string.Join('\n', plan);
    }

    private sealed record Sent(string Text, IReadOnlyList<(string Name, object? Value)> Parameters);

    /// <summary>Records the text and parameters of every query a context sends (compiled queries have no query string).</summary>
    private sealed class SentCommands : DbCommandInterceptor
    {
        private readonly List<Sent> _commands = [];

        public CommandCenterDbContext Context(StoreHost host) => new(
            new DbContextOptionsBuilder<CommandCenterDbContext>(host.Get<DbContextOptions<CommandCenterDbContext>>()).AddInterceptors(this).Options);

        public Sent Single() => Assert.Single(_commands);

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            _commands.Add(new(command.CommandText, [.. command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, p.Value))]));
            return ValueTask.FromResult(result);
        }
    }
}
#endif
