using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using CommandCenter.Core.Audit;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Backup;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Testing;
using CommandCenter.Web.Api;
using CommandCenter.Web.Tests.Api;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Tests.Hosting;

/// <summary>
/// <c>backup</c> and <c>restore</c> as an operator runs them: the real executable against a running server's data
/// directory, then a new server on the restored one. Each refusal is exit code 1 with one line, and changes nothing.
/// </summary>
public sealed class BackupProcessTests : IDisposable
{
    /// <summary>Categories the stream cycles through, so that no report merges into another's alert.</summary>
    private static readonly string[] Categories = ["0101", "0102", "0103", "0104", "0105", "0201", "0202", "0203", "0401", "0402"];

    private static readonly Dictionary<string, string?> Demo = new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Development", // the demo city and its API keys; the simulator off
        ["Simulator__Enabled"] = "false",
    };

    private readonly TempDirectory _dir = new("cc-backup");

    private string SourceDir => Path.Combine(_dir.Path, "source");

    private string BackupDir => Path.Combine(_dir.Path, "backup");

    private string RestoredDir => Path.Combine(_dir.Path, "restored");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Backup_DuringAStreamOfReports_RestoresExactlyTheAlertsCommittedBeforeItsSnapshot()
    {
        var sent = new ConcurrentBag<Sent>();
        ProductProcess.Run backup;
        long began, ended;
        await using (var source = await ProductProcess.StartAsync(SourceDir, Demo))
        {
            using var stop = new CancellationTokenSource();
            var stream = StreamReportsAsync(source.BaseAddress, sent, stop.Token);
            await WaitUntilAsync(() => sent.Count(s => s.Created) >= 40);

            began = Stopwatch.GetTimestamp();
            backup = await ProductProcess.RunAsync(["backup", BackupDir, $"--DataDir={SourceDir}"]);
            ended = Stopwatch.GetTimestamp();
            await WaitUntilAsync(() => sent.Count(s => s.SentAt > ended && s.Created) >= 20);
            await stop.CancelAsync();
            await stream;
        }

        Assert.True(backup.ExitCode == 0, backup.All);
        var acknowledgedBefore = sent.Where(s => s.AcknowledgedAt < began).Select(s => s.AlertId).ToHashSet();
        var postedAfter = sent.Where(s => s.SentAt > ended).Select(s => s.AlertId).ToHashSet();
        Assert.Contains(sent, s => s.AcknowledgedAt > began && s.AcknowledgedAt < ended); // the server kept storing reports meanwhile
        Assert.All(sent, s => Assert.True(s.Created, $"{s.ExternalId} merged or was refused"));

        var restore = await ProductProcess.RunAsync(["restore", BackupDir, $"--DataDir={RestoredDir}"]);
        Assert.True(restore.ExitCode == 0, restore.All);
        await using var sourceStore = OpenStore(SourceDir);
        List<AuditRow> restoredAudit;
        await using (var restoredStore = OpenStore(RestoredDir))
        {
            restoredAudit = await AuditRowsAsync(restoredStore.AuditEntries); // before a server on it adds its own
        }

        var snapshot = restoredAudit[^1].Id;
        var atSnapshot = (await sourceStore.AuditEntries
            .Where(e => e.Id <= snapshot && e.Subject == AuditSubject.Alert && e.Action == AuditAction.Raised)
            .Select(e => e.SubjectId)
            .ToListAsync()).Select(Guid.Parse).ToHashSet();

        await using var restored = await ProductProcess.StartAsync(RestoredDir, Demo);
        var served = (await ListAlertsAsync(restored.BaseAddress)).Select(a => a.Id).ToHashSet();

        Assert.Superset(acknowledgedBefore, served);
        Assert.Empty(served.Intersect(postedAfter));
        Assert.Equal(atSnapshot.Order(), served.Order()); // exactly the alerts the source had committed at the snapshot
        await AssertRestoredAuditTrailIsTheSourcesUpToTheSnapshotAsync(sourceStore, restoredAudit);
        var verified = await ProductProcess.RunAsync(["verify-audit", $"--DataDir={RestoredDir}"], Demo);
        Assert.True(verified.ExitCode == 0, verified.All);
        Assert.StartsWith("Audit trail intact:", verified.Out.Trim(), StringComparison.Ordinal); // every chain of the copy links
    }

    [Fact]
    public async Task Restore_OfABadBackupOrIntoAStore_ExitsOneWithOneLine_AndChangesNothing()
    {
        await CreateStoreAsync(SourceDir);
        var backup = await ProductProcess.RunAsync(["backup", BackupDir, $"--DataDir={SourceDir}"]);
        Assert.True(backup.ExitCode == 0, backup.All);

        var sourceBefore = Fingerprint(SourceDir);
        var intoAStore = await ProductProcess.RunAsync(["restore", BackupDir, $"--DataDir={SourceDir}"]);
        AssertRefused(intoAStore, "is not empty (it holds commandcenter.db");
        Assert.Equal(sourceBefore, Fingerprint(SourceDir));

        var notABackup = await ProductProcess.RunAsync(["restore", SourceDir, $"--DataDir={RestoredDir}"]);
        AssertRefused(notABackup, $"is not a backup: it has no {BackupManifest.FileName}");
        Assert.False(File.Exists(Path.Combine(RestoredDir, StoreOptions.StoreFile)));

        var store = Path.Combine(BackupDir, StoreOptions.StoreFile);
        var bytes = await File.ReadAllBytesAsync(store);
        bytes[bytes.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(store, bytes);
        var damaged = await ProductProcess.RunAsync(["restore", BackupDir, $"--DataDir={RestoredDir}"]);
        AssertRefused(damaged, $"is damaged: {StoreOptions.StoreFile} does not match its checksum");
        Assert.Empty(Directory.EnumerateFileSystemEntries(RestoredDir));
    }

    [Fact]
    public async Task Backup_IntoAFolderThatIsNotEmpty_OrOfAPostgreSqlStore_ExitsOneWithOneLine_AndWritesNothing()
    {
        await CreateStoreAsync(SourceDir);
        Directory.CreateDirectory(BackupDir);
        await File.WriteAllTextAsync(Path.Combine(BackupDir, "last-week.txt"), "an older backup's notes");
        var backupBefore = Fingerprint(BackupDir);

        var notEmpty = await ProductProcess.RunAsync(["backup", BackupDir, $"--DataDir={SourceDir}"]);
        AssertRefused(notEmpty, "is not an empty folder");
        Assert.Equal(backupBefore, Fingerprint(BackupDir));

        var elsewhere = Path.Combine(_dir.Path, "pg-backup");
        var postgres = await ProductProcess.RunAsync(
            ["backup", elsewhere, $"--DataDir={SourceDir}", "--Store:Provider=PostgreSQL", "--ConnectionStrings:Store=Host=127.0.0.1;Port=1;Database=none"]);
        AssertRefused(postgres, "pg_dump");
        Assert.False(Directory.Exists(elsewhere));
    }

    [Fact]
    public async Task BackupAndRestore_WrongCommandLine_ExitWithUsage()
    {
        var noFolder = await ProductProcess.RunAsync(["backup", $"--DataDir={SourceDir}"]);
        Assert.Equal(2, noFolder.ExitCode);
        Assert.Contains("Usage: backup DIR", noFolder.Error, StringComparison.Ordinal);

        var twoFolders = await ProductProcess.RunAsync(["restore", BackupDir, RestoredDir, $"--DataDir={SourceDir}"]);
        Assert.Equal(2, twoFolders.ExitCode);
        Assert.Contains($"unexpected argument '{RestoredDir}'", twoFolders.Error, StringComparison.Ordinal);

        var blank = await ProductProcess.RunAsync(["restore", " ", $"--DataDir={SourceDir}"]);
        Assert.Equal(2, blank.ExitCode);
        Assert.Contains("Usage: restore DIR", blank.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(SourceDir, StoreOptions.StoreFile)));
    }

    /// <summary>Entry by entry, the restored audit trail is the source's up to the snapshot: none lost, none added, none altered.</summary>
    private static async Task AssertRestoredAuditTrailIsTheSourcesUpToTheSnapshotAsync(CommandCenterDbContext source, List<AuditRow> restored)
    {
        var snapshot = restored[^1].Id;
        Assert.Equal(await AuditRowsAsync(source.AuditEntries.Where(e => e.Id <= snapshot)), restored);
        Assert.True(await source.AuditEntries.AnyAsync(e => e.Id > snapshot), "the source stored nothing after the snapshot");
    }

    /// <summary>Posts reports one after another, each in a grid and category of its own, until stopped; records when each was sent and answered.</summary>
    private static async Task StreamReportsAsync(Uri server, ConcurrentBag<Sent> sent, CancellationToken stop)
    {
        using var client = new HttpClient { BaseAddress = server };
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var externalId = $"stream-{i}";
            var body = AlertRequests.Valid(externalId, DemoCity.GridCode(i % 6, i / 6 % 5, 1 + (i / 30 % 10)), category: Categories[i / 300 % Categories.Length]);
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/alerts") { Content = JsonContent.Create(body, options: CommandCenterApp.Json) };
            request.Headers.Add(CommandCenter.Web.Access.ApiKeys.Header, "demo-key-gridworker");
            var sentAt = Stopwatch.GetTimestamp();
            using var response = await client.SendAsync(request, CancellationToken.None); // a report once sent is answered, so each one sent is known
            var answeredAt = Stopwatch.GetTimestamp();
            var alert = response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<AlertDto>(CommandCenterApp.Json, CancellationToken.None) : null;
            sent.Add(new Sent(externalId, sentAt, answeredAt, response.StatusCode == HttpStatusCode.Created, alert?.Id ?? Guid.Empty));
            await Task.Delay(20, CancellationToken.None);
        }
    }

    private static async Task<List<AlertDto>> ListAlertsAsync(Uri server)
    {
        using var client = new HttpClient { BaseAddress = server };
        client.DefaultRequestHeaders.Add(CommandCenter.Web.Access.ApiKeys.Header, "demo-key-gridworker");
        var alerts = (await client.GetFromJsonAsync<List<AlertDto>>($"api/v1/alerts?limit={AlertEndpoints.MaxLimit}", CommandCenterApp.Json))!;
        Assert.True(alerts.Count < AlertEndpoints.MaxLimit, "the list may be cut short: stream fewer reports");
        return alerts;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); !condition(); await Task.Delay(50))
        {
            Assert.True(DateTime.UtcNow < deadline, "the stream of reports stalled");
        }
    }

    /// <summary>A store as moving in leaves it: the first administrator created on an empty data directory.</summary>
    private static async Task CreateStoreAsync(string dataDir)
    {
        var admin = await ProductProcess.RunAsync(["create-admin", "--user", "chief", $"--DataDir={dataDir}"], new Dictionary<string, string?> { [ProductProcess.PasswordVariable] = "Jz@Admin2026" });
        Assert.True(admin.ExitCode == 0, admin.All);
    }

    private static void AssertRefused(ProductProcess.Run run, string reason)
    {
        Assert.True(run.ExitCode == 1, run.All);
        Assert.Contains(reason, run.Error, StringComparison.Ordinal);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.Empty(run.Out.Trim());
    }

    private static CommandCenterDbContext OpenStore(string dataDir) =>
        new(new DbContextOptionsBuilder<CommandCenterDbContext>().UseSqlite($"Data Source={Path.Combine(dataDir, StoreOptions.StoreFile)};Pooling=False").Options);

    private static Task<List<AuditRow>> AuditRowsAsync(IQueryable<AuditEntry> entries) => entries
        .OrderBy(e => e.Id)
        .Select(e => new AuditRow(e.Id, e.Subject, e.SubjectId, e.Action, e.Actor, e.Seat, e.At, e.FromState, e.ToState, e.Comment, e.Deadline, e.PolicyVersion))
        .ToListAsync();

    /// <summary>Every file under <paramref name="dir"/> with its checksum: equal before and after means nothing changed.</summary>
    private static SortedDictionary<string, string> Fingerprint(string dir) => new(
        Directory.GetFiles(dir, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(dir, f), f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f)))),
        StringComparer.Ordinal);

    private sealed record Sent(string ExternalId, long SentAt, long AcknowledgedAt, bool Created, Guid AlertId);

    private sealed record AuditRow(
        long Id, AuditSubject Subject, string SubjectId, AuditAction Action, string Actor, string? Seat, DateTimeOffset At,
        string? FromState, string? ToState, string? Comment, DateTimeOffset? Deadline, int? PolicyVersion);
}
