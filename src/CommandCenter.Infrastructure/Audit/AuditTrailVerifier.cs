using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Infrastructure.Audit;

/// <summary>
/// Verifies the whole audit trail: every entry's hash against its content and the entry before it in its subject's
/// trail, and every alert against the end of its trail (its version and state), so an edited entry, a removed one
/// and a removed last entry all show. Reads one consistent snapshot a page at a time, trail after trail along the
/// (subject, subject id, id) index, so memory stays flat however many millions of entries there are. The result is
/// stored (<see cref="AuditCheck"/>), for the administrators' page.
/// </summary>
public sealed class AuditTrailVerifier(IDbContextFactory<CommandCenterDbContext> contexts, TimeProvider time, ILogger<AuditTrailVerifier> logger)
{
    internal const int ProblemMaxLength = 1000;

    /// <summary>Entries per page read; alerts ending a trail in the page are looked up together.</summary>
    internal int PageSize { get; init; } = 5_000;

    private readonly SemaphoreSlim _running = new(1, 1);

    /// <summary>Whether a verification started by this server is running.</summary>
    public bool IsRunning => _running.CurrentCount == 0;

    /// <summary>
    /// Verifies the trail and stores the result; null when a verification started by this server is still running
    /// (nothing is stored then).
    /// </summary>
    public async Task<AuditCheck?> VerifyAsync(AuditCheckVia via, string by, CancellationToken ct = default)
    {
        if (!await _running.WaitAsync(0, ct))
        {
            return null;
        }

        try
        {
            var started = time.GetUtcNow();
            var tally = await CheckAsync(ct);
            var check = new AuditCheck
            {
                Kind = AuditCheckKind.Verification,
                Via = via,
                By = by.Length > 200 ? by[..200] : by,
                StartedAt = started,
                FinishedAt = time.GetUtcNow(),
                Entries = tally.Entries,
                Trails = tally.Trails,
                Problems = tally.Problems,
                FirstBrokenEntryId = tally.First?.EntryId,
                Problem = tally.First?.Text is { Length: > ProblemMaxLength } text ? text[..ProblemMaxLength] : tally.First?.Text,
            };
            await using var db = await contexts.CreateDbContextAsync(ct);
            db.AuditChecks.Add(check);
            await db.SaveChangesAsync(ct);
            if (check.Intact)
            {
                logger.LogInformation("Audit trail verified by {By}: {Entries} entries in {Trails} trails, intact", by, check.Entries, check.Trails);
            }
            else
            {
                logger.LogError("Audit trail verified by {By}: {Problems} problems; first: {Problem}", by, check.Problems, check.Problem);
            }

            return check;
        }
        finally
        {
            _running.Release();
        }
    }

    /// <summary>The latest verification and the sealing of the entries written before the chain, each if any.</summary>
    public async Task<(AuditCheck? Verification, AuditCheck? Sealing)> LatestAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var verification = await db.AuditChecks.AsNoTracking().Where(c => c.Kind == AuditCheckKind.Verification).OrderByDescending(c => c.Id).FirstOrDefaultAsync(ct);
        var sealing = await db.AuditChecks.AsNoTracking().Where(c => c.Kind == AuditCheckKind.Sealing).OrderByDescending(c => c.Id).FirstOrDefaultAsync(ct);
        return (verification, sealing);
    }

    private sealed record Finding(long EntryId, string Text);

    /// <summary>What a run found: counts, and the problem with the lowest entry id.</summary>
    private sealed class Tally
    {
        public long Entries { get; set; }

        public long Trails { get; set; }

        public long Problems { get; private set; }

        public Finding? First { get; private set; }

        public void Add(long entryId, string text)
        {
            Problems++;
            if (First is null || entryId < First.EntryId)
            {
                First = new Finding(entryId, text);
            }
        }
    }

    /// <summary>The end of one alert's trail, checked against the alert once its page is read.</summary>
    private sealed record TrailEnd(Guid AlertId, long EntryId, string? ToState, long? Version);

    private async Task<Tally> CheckAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var read = await db.BeginReadTransactionAsync(ct);
        var reader = new EntryPages(db, read, PageSize);
        var tally = new Tally();
        var alertsWithTrail = 0L;
        foreach (var subject in Enum.GetValues<AuditSubject>())
        {
            string? trail = null;
            byte[]? previous = null;
            long? previousId = null;
            StoredEntry? last = null;
            var ends = new List<TrailEnd>();
            await foreach (var page in reader.PagesAsync(subject, ct))
            {
                foreach (var entry in page)
                {
                    if (entry.SubjectId != trail)
                    {
                        if (subject == AuditSubject.Alert && last is not null)
                        {
                            ends.Add(EndOf(last, tally));
                        }

                        (trail, previous, previousId) = (entry.SubjectId, null, null);
                        tally.Trails++;
                    }

                    tally.Entries++;
                    if (entry.Problem(previous, previousId) is { } problem)
                    {
                        tally.Add(entry.Id, problem);
                    }

                    (previous, previousId, last) = (entry.Hash, entry.Id, entry);
                }

                alertsWithTrail += await CheckAlertsAsync(db, ends, tally, ct);
                ends.Clear();
            }

            if (subject == AuditSubject.Alert && last is not null)
            {
                ends.Add(EndOf(last, tally));
                alertsWithTrail += await CheckAlertsAsync(db, ends, tally, ct);
            }
        }

        await CheckUnknownSubjectsAsync(db, tally, ct);
        if (await db.Alerts.LongCountAsync(ct) > alertsWithTrail)
        {
            await FindAlertsWithoutTrailAsync(tally, ct);
        }

        return tally;
    }

    private static TrailEnd EndOf(StoredEntry last, Tally tally)
    {
        if (!Guid.TryParse(last.SubjectId, out var id))
        {
            tally.Add(last.Id, $"entry {last.Id} is about alert '{last.SubjectId}', which is no alert id");
        }

        return new TrailEnd(id, last.Id, last.ToState, last.SubjectVersion);
    }

    /// <summary>Alerts whose trails ended in this page: each must exist and be at the version and state its trail ends with.</summary>
    private static async Task<long> CheckAlertsAsync(CommandCenterDbContext db, List<TrailEnd> ends, Tally tally, CancellationToken ct)
    {
        var found = 0L;
        foreach (var chunk in ends.Where(e => e.AlertId != Guid.Empty).Chunk(500))
        {
            var ids = chunk.Select(e => e.AlertId).ToList();
            var alerts = await db.Alerts.AsNoTracking().Where(a => ids.Contains(a.Id))
                .Select(a => new { a.Id, a.State, a.Version })
                .ToDictionaryAsync(a => a.Id, ct);
            foreach (var end in chunk)
            {
                if (!alerts.TryGetValue(end.AlertId, out var alert))
                {
                    tally.Add(end.EntryId, $"entry {end.EntryId} is about alert {end.AlertId}, which the store does not hold");
                    continue;
                }

                found++;
                if (end.ToState != alert.State.ToString() || (end.Version is { } version && version != alert.Version))
                {
                    tally.Add(end.EntryId, string.Create(CultureInfo.InvariantCulture,
                        $"alert {end.AlertId} is at version {alert.Version} ({alert.State}) but its trail ends at entry {end.EntryId} (version {end.Version?.ToString(CultureInfo.InvariantCulture) ?? "not kept"}, {end.ToState}): entries after it are missing"));
                }
            }
        }

        return found;
    }

    /// <summary>Entries whose subject is no subject the product writes: their content was changed.</summary>
    private static async Task CheckUnknownSubjectsAsync(CommandCenterDbContext db, Tally tally, CancellationToken ct)
    {
        var known = Enum.GetValues<AuditSubject>();
        var unknown = await db.AuditEntries.AsNoTracking().Where(e => !known.Contains(e.Subject)).Select(e => e.Id).OrderBy(id => id).Take(1000).ToListAsync(ct);
        foreach (var id in unknown)
        {
            tally.Entries++;
            tally.Add(id, $"entry {id} names a subject the product never writes: its content does not match its hash");
        }
    }

    /// <summary>
    /// Only when some alert has no trail at all (every entry about it removed): which ones. Outside the snapshot, on
    /// two connections (one streams the alerts, one looks up their trails); an alert and its first entry are committed
    /// together, so an alert stored meanwhile cannot look trail-less.
    /// </summary>
    private async Task FindAlertsWithoutTrailAsync(Tally tally, CancellationToken ct)
    {
        await using var alerts = await contexts.CreateDbContextAsync(ct);
        await using var trails = await contexts.CreateDbContextAsync(ct);
        await foreach (var ids in alerts.Alerts.AsNoTracking().Select(a => a.Id).AsAsyncEnumerable().Chunk(500).WithCancellation(ct))
        {
            var names = ids.Select(id => id.ToString()).ToList();
            var withTrail = (await trails.AuditEntries.AsNoTracking()
                .Where(e => e.Subject == AuditSubject.Alert && names.Contains(e.SubjectId))
                .Select(e => e.SubjectId).Distinct().ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
            foreach (var id in ids.Where(id => !withTrail.Contains(id.ToString())))
            {
                // No entry to name: it sorts after every problem that has one.
                tally.Add(long.MaxValue, $"alert {id} has no audit trail: every entry about it was removed");
            }
        }
    }

    /// <summary>One entry as stored, read as text so that a value no enum knows shows as a changed entry, not a failed read.</summary>
    private sealed record StoredEntry(
        long Id, string Subject, string SubjectId, string Action, string Actor, string? Seat, long At, string? FromState, string? ToState,
        string? Comment, long? Deadline, long? PolicyVersion, long? SubjectVersion, byte[]? Hash)
    {
        public string? Problem(byte[]? previous, long? previousId)
        {
            if (Hash is null)
            {
                return $"entry {Id} ({Describe()}) is not sealed: it was written around the store's audit path";
            }

            var entry = ToEntry();
            if (entry is not null && CryptographicOperations.FixedTimeEquals(Hash, AuditChain.HashOf(entry, previous)))
            {
                return null;
            }

            return previousId is { } before
                ? $"entry {Id} ({Describe()}) does not match its hash: its content was changed, or an entry between it and entry {before} of its trail was removed"
                : $"entry {Id} ({Describe()}) does not match its hash: its content was changed, or the entries before it in its trail were removed";
        }

        private string Describe() => $"{Subject} {SubjectId}, {Action} by {Actor} at {DateTimeOffset.FromUnixTimeMilliseconds(At):yyyy-MM-dd HH:mm:ss} UTC";

        private AuditEntry? ToEntry()
        {
            if (!Enum.TryParse<AuditSubject>(Subject, out var subject) || !Enum.TryParse<AuditAction>(Action, out var action)
                || subject.ToString() != Subject || action.ToString() != Action || PolicyVersion is < int.MinValue or > int.MaxValue)
            {
                return null;
            }

            return new AuditEntry
            {
                Subject = subject,
                SubjectId = SubjectId,
                Action = action,
                Actor = Actor,
                Seat = Seat,
                At = DateTimeOffset.FromUnixTimeMilliseconds(At),
                FromState = FromState,
                ToState = ToState,
                Comment = Comment,
                Deadline = Deadline is { } deadline ? DateTimeOffset.FromUnixTimeMilliseconds(deadline) : null,
                PolicyVersion = (int?)PolicyVersion,
                SubjectVersion = SubjectVersion,
            };
        }
    }

    /// <summary>
    /// Reads one subject's entries in trail order, a page at a time (keyset on subject id and id), inside the
    /// verification's read transaction. Plain SQL built from the EF model's names, so a value no enum knows is read.
    /// </summary>
    private sealed class EntryPages(CommandCenterDbContext db, DbTransaction read, int pageSize)
    {
        public async IAsyncEnumerable<List<StoredEntry>> PagesAsync(AuditSubject subject, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
        {
            var (afterTrail, afterId) = ((string?)null, 0L);
            while (true)
            {
                await using var command = Command(subject, afterTrail, afterId);
                var page = new List<StoredEntry>(pageSize);
                await using (var rows = await command.ExecuteReaderAsync(ct))
                {
                    while (await rows.ReadAsync(ct))
                    {
                        page.Add(new StoredEntry(
                            rows.GetInt64(0), subject.ToString(), rows.GetString(1), rows.GetString(2), rows.GetString(3), Text(rows, 4), rows.GetInt64(5),
                            Text(rows, 6), Text(rows, 7), Text(rows, 8), Number(rows, 9), Number(rows, 10), Number(rows, 11),
                            rows.IsDBNull(12) ? null : (byte[])rows.GetValue(12)));
                    }
                }

                if (page.Count == 0)
                {
                    yield break;
                }

                yield return page;
                if (page.Count < pageSize)
                {
                    yield break;
                }

                (afterTrail, afterId) = (page[^1].SubjectId, page[^1].Id);
            }
        }

        private static string? Text(DbDataReader rows, int i) => rows.IsDBNull(i) ? null : rows.GetString(i);

        private static long? Number(DbDataReader rows, int i) => rows.IsDBNull(i) ? null : Convert.ToInt64(rows.GetValue(i), CultureInfo.InvariantCulture);

        private DbCommand Command(AuditSubject subject, string? afterTrail, long afterId)
        {
            var entity = db.Model.FindEntityType(typeof(AuditEntry))!;
            var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            var sql = db.GetService<ISqlGenerationHelper>();
            string Column(string property) => sql.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName(table)!);
            string[] columns =
            [
                nameof(AuditEntry.Id), nameof(AuditEntry.SubjectId), nameof(AuditEntry.Action), nameof(AuditEntry.Actor), nameof(AuditEntry.Seat),
                nameof(AuditEntry.At), nameof(AuditEntry.FromState), nameof(AuditEntry.ToState), nameof(AuditEntry.Comment), nameof(AuditEntry.Deadline),
                nameof(AuditEntry.PolicyVersion), nameof(AuditEntry.SubjectVersion), nameof(AuditEntry.Hash),
            ];
            var (subjectColumn, trailColumn, idColumn) = (Column(nameof(AuditEntry.Subject)), Column(nameof(AuditEntry.SubjectId)), Column(nameof(AuditEntry.Id)));
            var command = db.Database.GetDbConnection().CreateCommand();
            command.Transaction = read;
            command.CommandText = $"SELECT {string.Join(", ", columns.Select(Column))} FROM {sql.DelimitIdentifier(table.Name, table.Schema)} "
                + $"WHERE {subjectColumn} = @subject"
                + (afterTrail is null ? "" : $" AND ({trailColumn}, {idColumn}) > (@trail, @id)")
                + $" ORDER BY {trailColumn}, {idColumn} LIMIT {pageSize.ToString(CultureInfo.InvariantCulture)}";
            Add(command, "@subject", subject.ToString());
            if (afterTrail is not null)
            {
                Add(command, "@trail", afterTrail);
                Add(command, "@id", afterId);
            }

            return command;
        }

        private static void Add(DbCommand command, string name, object value)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
    }
}
