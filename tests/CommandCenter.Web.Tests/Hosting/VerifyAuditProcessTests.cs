using CommandCenter.Core.Audit;
using CommandCenter.Infrastructure.Audit;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Tests.Hosting;

/// <summary>
/// <c>verify-audit</c> as an operator runs it: the real executable on a store a first administrator was created in.
/// It exits 0 on an intact trail; after one row is edited directly in the database it exits 1 with a line naming
/// exactly that entry; each run is stored for the administrators' page.
/// </summary>
public sealed class VerifyAuditProcessTests : IDisposable
{
    private readonly TempDirectory _dir = new("cc-verify");

    private string DataDir => Path.Combine(_dir.Path, "data");

    private string[] Settings => [$"--DataDir={DataDir}"];

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task VerifyAudit_IntactThenOneRowEdited_ExitsZeroThenOneNamingTheEntry()
    {
        foreach (var user in new[] { "chief", "deputy" })
        {
            var admin = await ProductProcess.RunAsync(["create-admin", "--user", user, .. Settings], new Dictionary<string, string?> { [ProductProcess.PasswordVariable] = "Jz@Admin2026" });
            Assert.True(admin.ExitCode == 0, admin.All);
        }

        var intact = await ProductProcess.RunAsync(["verify-audit", .. Settings]);
        Assert.True(intact.ExitCode == 0, intact.All);
        Assert.Equal("Audit trail intact: 2 entries in 2 trails checked.", intact.Out.Trim());

        long edited;
        await using (var db = Store())
        {
            edited = await db.AuditEntries.Where(e => e.Subject == AuditSubject.User && e.SubjectId == "deputy").Select(e => e.Id).SingleAsync();
            await db.Database.ExecuteSqlAsync($"UPDATE AuditEntries SET Actor = 'someone else' WHERE Id = {edited}");
        }

        var broken = await ProductProcess.RunAsync(["verify-audit", .. Settings]);

        Assert.Equal(1, broken.ExitCode);
        var line = Assert.Single(broken.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith($"verify-audit: the audit trail is broken (1 problems in 2 entries); first: entry {edited} (User deputy, UserCreated by someone else", line, StringComparison.Ordinal);
        await using var check = Store();
        Assert.Equal(
            [(AuditCheckVia.CommandLine, 0L, (long?)null), (AuditCheckVia.CommandLine, 1L, edited)],
            (await check.AuditChecks.Where(c => c.Kind == AuditCheckKind.Verification).OrderBy(c => c.Id).ToListAsync()).Select(c => (c.Via, c.Problems, c.FirstBrokenEntryId)));
    }

    [Fact]
    public async Task VerifyAudit_WithAnArgument_ExitsWithUsageAndStoresNothing()
    {
        var run = await ProductProcess.RunAsync(["verify-audit", "everything", .. Settings]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("verify-audit: unexpected argument 'everything'. Usage: verify-audit", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(DataDir, "commandcenter.db")));
    }

    private CommandCenterDbContext Store() =>
        new(new DbContextOptionsBuilder<CommandCenterDbContext>().UseSqlite($"Data Source={Path.Combine(DataDir, "commandcenter.db")};Pooling=False").Options);
}
