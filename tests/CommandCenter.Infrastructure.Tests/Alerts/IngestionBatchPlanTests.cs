using System.Data.Common;
using CommandCenter.Core.Alerts;
using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CommandCenter.Infrastructure.Tests.Alerts;

/// <summary>
/// A batch's two lookups (reports seen before, open alerts to merge into, each for every report of the batch at once)
/// must seek their indexes, not scan the tables: both grow with every report for as long as the store lives, and a scan
/// per batch would make ingestion slower by the month. The plans are taken of the SQL the compiled queries really send.
/// </summary>
public sealed class IngestionBatchPlanTests
{
    [Fact]
    public async Task SeenBefore_IsAnsweredFromTheSourceAndExternalIdIndex()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var sent = new SentCommands();
        await using var db = sent.Context(host);

        await AlertIngestionService.SeenBeforeQuery(db, AlertSource.Hotline, ["a-1", "a-2"]).ToListAsync();
        var plan = await QueryPlans.ExplainAsync(db, sent.Single());

        Assert.Contains("USING INDEX IX_AlertReports_Source_ExternalId (Source=? AND ExternalId=?)", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("SCAN ", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LatestOpen_IsAnsweredFromTheGridCategoryAndLastReportedIndex()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var sent = new SentCommands();
        await using var db = sent.Context(host);

        await AlertIngestionService.LatestOpenQuery(db, [DemoCity.GridCode(0, 0, 1), DemoCity.GridCode(0, 0, 2)], ["0101", "0102"], host.Time.GetUtcNow()).ToListAsync();
        var plan = await QueryPlans.ExplainAsync(db, sent.Single());

        Assert.Contains("USING INDEX IX_Alerts_GridCode_CategoryCode_LastReportedAt (GridCode=? AND CategoryCode=? AND LastReportedAt>?)", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("SCAN ", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal);
    }

    /// <summary>Records the text and parameters of every query a context sends.</summary>
    private sealed class SentCommands : DbCommandInterceptor
    {
        private readonly List<QueryPlans.Command> _commands = [];

        public CommandCenterDbContext Context(StoreHost host) => new(
            new DbContextOptionsBuilder<CommandCenterDbContext>(host.Get<DbContextOptions<CommandCenterDbContext>>()).AddInterceptors(this).Options);

        public QueryPlans.Command Single() => Assert.Single(_commands);

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            _commands.Add(new(command.CommandText, [.. command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, p.Value))]));
            return ValueTask.FromResult(result);
        }
    }
}
