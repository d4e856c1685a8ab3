using System.Globalization;
using System.Text.RegularExpressions;
using CommandCenter.Core;
using CommandCenter.Core.Access;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Duty;
using CommandCenter.Core.Feed;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure.Administration;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Infrastructure.Duty;

/// <summary>A node's roster as stored: the document, its version (to save over) and who last changed it, when.</summary>
public sealed record DutyRosterState(string NodeCode, DutyRosterDocument Document, long Version, DateTimeOffset UpdatedAt, string UpdatedBy)
{
    public DutyRoster Roster => Document.ToRoster(NodeCode);
}

/// <summary>
/// Duty rosters (值班表) edited by the people who keep them: an administrator for the nodes in their subtree, a duty
/// officer for their own node only. The city, its towns and its communities keep rosters; grids do not. Every change
/// is checked whole, saved over the version it was made from (a stale save is refused, never merged), written with
/// one audit entry in the same save, and announced on the live feed so walls and consoles show it at once.
/// </summary>
public sealed partial class DutyRosterAdministration(
    IDbContextFactory<CommandCenterDbContext> contexts,
    ReferenceData reference,
    ILiveFeed feed,
    TimeProvider time,
    ILogger<DutyRosterAdministration> logger)
{
    public const int MaxShifts = 8;
    public const int MaxCycleDays = 31;
    public const int MaxPeoplePerShift = 20;
    public const int NameMaxLength = 30;
    public const int ShiftNameMaxLength = 20;

    /// <summary>Whether <paramref name="nodeCode"/> is a node that keeps a roster: the city, a town or a community.</summary>
    public bool KeepsRoster(string nodeCode) =>
        reference.HasCity && reference.Map.Find(nodeCode) is { Level: NodeLevel.City or NodeLevel.Town or NodeLevel.Community };

    /// <summary>Whether <paramref name="by"/> may edit the roster of <paramref name="nodeCode"/>.</summary>
    public bool CanEdit(Operator by, string nodeCode) =>
        KeepsRoster(nodeCode) && by.Role switch
        {
            Role.Admin => by.NodeCode == reference.Map.City.Code || reference.Map.IsWithin(nodeCode, by.NodeCode),
            Role.DutyOfficer => by.NodeCode == nodeCode,
            _ => false,
        };

    /// <summary>The nodes whose rosters <paramref name="by"/> edits, city first, then by code.</summary>
    public IReadOnlyList<AdminNode> EditableBy(Operator by) => reference.HasCity
        ? [.. reference.Map.Nodes.Where(n => CanEdit(by, n.Code)).OrderBy(n => n.Level).ThenBy(n => n.Code, StringComparer.Ordinal)]
        : [];

    /// <summary>The roster of <paramref name="nodeCode"/> as stored, or null when it keeps none.</summary>
    public async Task<DutyRosterState?> ReadAsync(string nodeCode, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var record = await db.DutyRosters.AsNoTracking().SingleOrDefaultAsync(r => r.NodeCode == nodeCode, ct);
        return record is null ? null : StateOf(record);
    }

    /// <summary>
    /// What is wrong with <paramref name="document"/> on its own, in words for the page: the domain's rules
    /// (<see cref="DutyRoster.Problems"/>) named one by one, and the people's names and contacts.
    /// </summary>
    public static IReadOnlyList<SetupProblem> Check(DutyRosterDocument document)
    {
        var problems = new List<SetupProblem>();
        var shifts = document.Shifts;
        if (shifts.Count == 0)
        {
            problems.Add(new("shifts", "Problem_Duty_NoShift"));
        }
        else if (shifts.Count > MaxShifts)
        {
            problems.Add(new("shifts", "Problem_Duty_TooManyShifts", shifts.Count, MaxShifts));
        }

        for (var i = 0; i < shifts.Count; i++)
        {
            var name = shifts[i].Name?.Trim();
            if (string.IsNullOrEmpty(name))
            {
                problems.Add(new($"shifts[{i}].name", "Problem_Duty_ShiftNameRequired", i + 1));
            }
            else if (name.Length > ShiftNameMaxLength)
            {
                problems.Add(new($"shifts[{i}].name", "Problem_Duty_ShiftNameTooLong", name, ShiftNameMaxLength));
            }
        }

        foreach (var twice in shifts.Where(s => !string.IsNullOrWhiteSpace(s.Name)).GroupBy(s => s.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add(new("shifts", "Problem_Duty_ShiftTwice", twice.Key));
        }

        // The domain decides what overlapping means (night shifts included); each pair is asked on its own so the
        // page can name both shifts.
        for (var i = 0; i < shifts.Count; i++)
        {
            for (var j = i + 1; j < shifts.Count; j++)
            {
                if (shifts[i].Name != shifts[j].Name && DutyRoster.Problems([shifts[i], shifts[j]], new DutyRotation(default, []), []).Count > 0)
                {
                    problems.Add(new("shifts", "Problem_Duty_ShiftsOverlap", shifts[i].Name, shifts[j].Name));
                }
            }
        }

        var days = document.Rotation.Days;
        if (days.Count == 0)
        {
            problems.Add(new("rotation", "Problem_Duty_NoDays"));
        }
        else if (days.Count > MaxCycleDays)
        {
            problems.Add(new("rotation", "Problem_Duty_TooManyDays", days.Count, MaxCycleDays));
        }

        var names = shifts.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var unknown in days.SelectMany(d => d.Keys).Concat(document.Swaps.Select(s => s.Shift)).Where(n => !names.Contains(n)).Distinct())
        {
            problems.Add(new("rotation", "Problem_Duty_ShiftUnknown", unknown));
        }

        for (var d = 0; d < days.Count; d++)
        {
            foreach (var (shift, crew) in days[d])
            {
                var field = $"rotation[{d}].{shift}";
                if (crew.OnDuty.Count > MaxPeoplePerShift)
                {
                    problems.Add(new(field, "Problem_Duty_TooManyPeople", d + 1, shift, MaxPeoplePerShift));
                }

                foreach (var person in crew.Leader is null ? crew.OnDuty : [.. crew.OnDuty, crew.Leader])
                {
                    CheckPerson(person, field, "Problem_Duty_Person", [d + 1, shift], problems);
                }
            }
        }

        foreach (var swap in document.Swaps)
        {
            CheckPerson(swap.By, "swaps", "Problem_Duty_SwapPerson", [swap.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), swap.Shift], problems);
        }

        if (problems.Count == 0)
        {
            // Anything the domain refuses that the checks above did not name still stops the save, in its words.
            problems.AddRange(DutyRoster.Problems(shifts, document.Rotation, document.Swaps).Select(p => new SetupProblem("roster", "Problem_Duty_Other", p)));
        }

        return problems;
    }

    /// <summary>
    /// Saves <paramref name="document"/> as the roster of <paramref name="nodeCode"/>, over the version it was edited
    /// from (<paramref name="baseVersion"/>; null for a node that keeps none yet). A save over an older version is
    /// refused with who changed it since, so nobody overwrites another's edit unseen.
    /// </summary>
    public async Task<SetupResult<DutyRosterState>> SaveAsync(string nodeCode, DutyRosterDocument document, long? baseVersion, Operator by, CancellationToken ct = default)
    {
        if (Reach(nodeCode, by) is { } refused)
        {
            return refused;
        }

        var problems = Check(document);
        if (problems.Count > 0)
        {
            return SetupResult<DutyRosterState>.Refused(SetupRefusal.Invalid, problems);
        }

        var normalized = Normalize(document);
        var now = time.Now();
        try
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            await using var transaction = await db.BeginWriteTransactionAsync(ct);
            var record = await db.DutyRosters.SingleOrDefaultAsync(r => r.NodeCode == nodeCode, ct);
            if (record?.Version != baseVersion)
            {
                return Stale(nodeCode, record);
            }

            string comment;
            if (record is null)
            {
                record = new DutyRosterRecord { NodeCode = nodeCode, Document = normalized.ToJson(), Version = 1, UpdatedAt = now, UpdatedBy = by.DisplayName };
                db.DutyRosters.Add(record);
                comment = $"created: {Describe(normalized)}";
            }
            else
            {
                var before = DutyRosterDocument.Parse(record.Document);
                if (before.ToJson() == normalized.ToJson())
                {
                    return SetupResult<DutyRosterState>.Of(StateOf(record));
                }

                record.Document = normalized.ToJson();
                record.Version++;
                record.UpdatedAt = now;
                record.UpdatedBy = by.DisplayName;
                comment = $"{Describe(before)} → {Describe(normalized)}";
            }

            db.AuditEntries.Add(AuditEntry.ForAdmin(AuditSubject.DutyRoster, nodeCode, AuditAction.DutyRosterChanged, Actor.Of(by), now, comment));
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            Announce(nodeCode, now);
            logger.LogInformation("Duty roster of {NodeCode} saved by {Actor} (version {Version})", nodeCode, by.DisplayName, record.Version);
            return SetupResult<DutyRosterState>.Of(StateOf(record));
        }
        catch (DbUpdateException ex) when (ex is DbUpdateConcurrencyException || ex.IsUniqueViolation())
        {
            // Someone saved between our read and our write: theirs stands, and the page says so.
            return Stale(nodeCode, await CurrentAsync(nodeCode, ct));
        }
    }

    /// <summary>Adds a one-off swap (换班/替班) to the roster at its current version.</summary>
    public Task<SetupResult<DutyRosterState>> AddSwapAsync(string nodeCode, DutySwap swap, long baseVersion, Operator by, CancellationToken ct = default) =>
        ChangeSwapsAsync(nodeCode, baseVersion, by, AuditAction.DutySwapAdded, Describe(swap), current =>
        {
            // The one replaced must be on that shift that day, else the swap would silently change nothing.
            var crew = current.Document.Names(swap.Shift) ? current.Roster.CrewOn(swap.Day, swap.Shift) : DutyCrew.Nobody;
            return swap.Replaced is { } replaced && crew.Leader?.Name != replaced.Trim() && crew.OnDuty.All(p => p.Name != replaced.Trim())
                ? new SwapChange(null, new SetupProblem("swaps", "Problem_Duty_SwapReplacedUnknown", replaced, swap.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), swap.Shift))
                : new SwapChange([.. current.Document.Swaps, swap], null);
        }, ct);

    /// <summary>Removes the swap at <paramref name="index"/> (in the roster's list) from the roster at its current version.</summary>
    public Task<SetupResult<DutyRosterState>> RemoveSwapAsync(string nodeCode, int index, long baseVersion, Operator by, CancellationToken ct = default) =>
        ChangeSwapsAsync(nodeCode, baseVersion, by, AuditAction.DutySwapRemoved, null, current =>
            index < 0 || index >= current.Document.Swaps.Count
                ? new SwapChange(null, new SetupProblem("swaps", "Problem_Duty_SwapNotFound"))
                : new SwapChange([.. current.Document.Swaps.Where((_, i) => i != index)], null), ct);

    /// <summary>Deletes the roster of <paramref name="nodeCode"/>: the node then has nobody on duty, and its wall says so.</summary>
    public async Task<SetupResult<DutyRosterState>> DeleteAsync(string nodeCode, long baseVersion, Operator by, CancellationToken ct = default)
    {
        if (Reach(nodeCode, by) is { } refused)
        {
            return refused;
        }

        var now = time.Now();
        try
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            await using var transaction = await db.BeginWriteTransactionAsync(ct);
            var record = await db.DutyRosters.SingleOrDefaultAsync(r => r.NodeCode == nodeCode, ct);
            if (record is null)
            {
                return SetupResult<DutyRosterState>.Refused(SetupRefusal.NotFound, new SetupProblem("nodeCode", "Problem_Duty_NotFound", NodeName(nodeCode)));
            }

            if (record.Version != baseVersion)
            {
                return Stale(nodeCode, record);
            }

            var state = StateOf(record);
            db.DutyRosters.Remove(record);
            db.AuditEntries.Add(AuditEntry.ForAdmin(AuditSubject.DutyRoster, nodeCode, AuditAction.DutyRosterDeleted, Actor.Of(by), now, $"deleted: {Describe(state.Document)}"));
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            Announce(nodeCode, now);
            logger.LogInformation("Duty roster of {NodeCode} deleted by {Actor}", nodeCode, by.DisplayName);
            return SetupResult<DutyRosterState>.Of(state);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Stale(nodeCode, await CurrentAsync(nodeCode, ct));
        }
    }

    /// <summary>
    /// Replaces the rosters of several nodes at once, as an imported sheet gives them: every one is checked first and
    /// none is saved when any is refused. Swaps already entered stay where their shift still exists.
    /// </summary>
    public async Task<SetupResult<IReadOnlyList<DutyRosterState>>> ImportAsync(IReadOnlyDictionary<string, DutyRosterDocument> rosters, string source, Operator by, CancellationToken ct = default)
    {
        var problems = new List<SetupProblem>();
        foreach (var (nodeCode, document) in rosters)
        {
            if (Reach(nodeCode, by) is { } refused)
            {
                return SetupResult<IReadOnlyList<DutyRosterState>>.Refused(refused.Refusal!.Value, refused.Problems);
            }

            problems.AddRange(Check(document).Select(p => p with { Field = $"{nodeCode}.{p.Field}" }));
        }

        if (problems.Count > 0)
        {
            return SetupResult<IReadOnlyList<DutyRosterState>>.Refused(SetupRefusal.Invalid, problems);
        }

        var now = time.Now();
        var saved = new List<DutyRosterRecord>();
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            await using var transaction = await db.BeginWriteTransactionAsync(ct);
            var codes = rosters.Keys.ToList();
            var existing = await db.DutyRosters.Where(r => codes.Contains(r.NodeCode)).ToDictionaryAsync(r => r.NodeCode, ct);
            foreach (var (nodeCode, imported) in rosters.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                var names = imported.Shifts.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
                var kept = existing.TryGetValue(nodeCode, out var record)
                    ? DutyRosterDocument.Parse(record.Document).Swaps.Where(s => names.Contains(s.Shift)).ToList()
                    : [];
                var document = Normalize(imported with { Swaps = kept });
                if (record is null)
                {
                    record = new DutyRosterRecord { NodeCode = nodeCode, Document = document.ToJson(), Version = 1, UpdatedAt = now, UpdatedBy = by.DisplayName };
                    db.DutyRosters.Add(record);
                }
                else
                {
                    record.Document = document.ToJson();
                    record.Version++;
                    record.UpdatedAt = now;
                    record.UpdatedBy = by.DisplayName;
                }

                saved.Add(record);
                db.AuditEntries.Add(AuditEntry.ForAdmin(AuditSubject.DutyRoster, nodeCode, AuditAction.DutyRosterImported, Actor.Of(by), now, $"imported from {source}: {Describe(document)}"));
            }

            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }

        foreach (var record in saved)
        {
            Announce(record.NodeCode, now);
        }

        logger.LogInformation("Duty rosters of {NodeCount} nodes imported from {Source} by {Actor}", saved.Count, source, by.DisplayName);
        return SetupResult<IReadOnlyList<DutyRosterState>>.Of([.. saved.Select(StateOf)]);
    }

    /// <summary>The crews of the next <paramref name="days"/> days from <paramref name="from"/>'s city day, shift by shift.</summary>
    public static IReadOnlyList<DutyWatch> Schedule(DutyRoster roster, DateTimeOffset from, int days)
    {
        var first = DateOnly.FromDateTime(CityClock.Local(from).DateTime);
        return [.. Enumerable.Range(0, days).SelectMany(d => roster.Shifts
            .Select(shift => (Day: first.AddDays(d), Shift: shift))
            .Select(x =>
            {
                var (start, end) = x.Shift.On(x.Day);
                return new DutyWatch(roster.NodeCode, x.Shift, x.Day, start, end, roster.CrewOn(x.Day, x.Shift.Name));
            })
            .OrderBy(w => w.From))];
    }

    private async Task<SetupResult<DutyRosterState>> ChangeSwapsAsync(
        string nodeCode, long baseVersion, Operator by, AuditAction action, string? what, Func<DutyRosterState, SwapChange> change, CancellationToken ct)
    {
        if (Reach(nodeCode, by) is { } refused)
        {
            return refused;
        }

        var current = await ReadAsync(nodeCode, ct);
        if (current is null)
        {
            return SetupResult<DutyRosterState>.Refused(SetupRefusal.NotFound, new SetupProblem("nodeCode", "Problem_Duty_NotFound", NodeName(nodeCode)));
        }

        if (current.Version != baseVersion)
        {
            return Stale(nodeCode, current);
        }

        var outcome = change(current);
        if (outcome.Problem is { } problem)
        {
            return SetupResult<DutyRosterState>.Refused(SetupRefusal.Invalid, problem);
        }

        var document = current.Document with { Swaps = outcome.Swaps! };
        var problems = Check(document);
        if (problems.Count > 0)
        {
            return SetupResult<DutyRosterState>.Refused(SetupRefusal.Invalid, problems);
        }

        var now = time.Now();
        try
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            await using var transaction = await db.BeginWriteTransactionAsync(ct);
            var record = await db.DutyRosters.SingleOrDefaultAsync(r => r.NodeCode == nodeCode, ct);
            if (record is null || record.Version != baseVersion)
            {
                return Stale(nodeCode, record);
            }

            var removed = current.Document.Swaps.Except(document.Swaps).Select(Describe);
            record.Document = Normalize(document).ToJson();
            record.Version++;
            record.UpdatedAt = now;
            record.UpdatedBy = by.DisplayName;
            db.AuditEntries.Add(AuditEntry.ForAdmin(AuditSubject.DutyRoster, nodeCode, action, Actor.Of(by), now, what ?? string.Join("; ", removed)));
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            Announce(nodeCode, now);
            logger.LogInformation("Duty roster of {NodeCode}: {Action} by {Actor}", nodeCode, action, by.DisplayName);
            return SetupResult<DutyRosterState>.Of(StateOf(record));
        }
        catch (DbUpdateConcurrencyException)
        {
            return Stale(nodeCode, await CurrentAsync(nodeCode, ct));
        }
    }

    private SetupResult<DutyRosterState>? Reach(string nodeCode, Operator by)
    {
        if (!reference.HasCity || reference.Map.Find(nodeCode) is null)
        {
            return SetupResult<DutyRosterState>.Refused(SetupRefusal.Invalid, new SetupProblem("nodeCode", "Problem_Duty_NodeUnknown", nodeCode));
        }

        if (!KeepsRoster(nodeCode))
        {
            return SetupResult<DutyRosterState>.Refused(SetupRefusal.Invalid, new SetupProblem("nodeCode", "Problem_Duty_NodeKeepsNone", NodeName(nodeCode)));
        }

        return CanEdit(by, nodeCode)
            ? null
            : SetupResult<DutyRosterState>.Refused(SetupRefusal.Forbidden, new SetupProblem("nodeCode", "Problem_Duty_OutOfReach", NodeName(nodeCode)));
    }

    private SetupResult<DutyRosterState> Stale(string nodeCode, DutyRosterRecord? current) =>
        SetupResult<DutyRosterState>.Refused(SetupRefusal.Conflict, current is null
            ? new SetupProblem("version", "Problem_Duty_StaleDeleted", NodeName(nodeCode))
            : new SetupProblem("version", "Problem_Duty_Stale", NodeName(nodeCode), current.UpdatedBy, current.UpdatedAt));

    private SetupResult<DutyRosterState> Stale(string nodeCode, DutyRosterState current) =>
        SetupResult<DutyRosterState>.Refused(SetupRefusal.Conflict, new SetupProblem("version", "Problem_Duty_Stale", NodeName(nodeCode), current.UpdatedBy, current.UpdatedAt));

    private async Task<DutyRosterRecord?> CurrentAsync(string nodeCode, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.DutyRosters.AsNoTracking().SingleOrDefaultAsync(r => r.NodeCode == nodeCode, ct);
    }

    private void Announce(string nodeCode, DateTimeOffset now)
    {
        if (reference.Map.Contains(nodeCode))
        {
            feed.Publish(new DutyRosterChanged(reference.Map.PathOf(nodeCode), now, nodeCode));
        }
    }

    /// <summary>A person's name and contact; <paramref name="key"/> and <paramref name="where"/> say which slot they hold.</summary>
    private static void CheckPerson(DutyPerson person, string field, string key, object[] where, List<SetupProblem> problems)
    {
        var name = person.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            problems.Add(new(field, key + "NameRequired", where));
            return;
        }

        if (name.Length > NameMaxLength)
        {
            problems.Add(new(field, key + "NameTooLong", [.. where, name, NameMaxLength]));
        }

        if (string.IsNullOrWhiteSpace(person.Phone) && string.IsNullOrWhiteSpace(person.UserName))
        {
            problems.Add(new(field, key + "ContactRequired", [.. where, name]));
        }
        else if (!string.IsNullOrWhiteSpace(person.Phone) && !PhonePattern().IsMatch(person.Phone.Trim()))
        {
            problems.Add(new(field, key + "PhoneInvalid", [.. where, name, person.Phone]));
        }
    }

    /// <summary>Names and contacts trimmed, blanks as null: the stored document compares equal when nothing changed.</summary>
    private static DutyRosterDocument Normalize(DutyRosterDocument document)
    {
        static DutyPerson Person(DutyPerson p) => new(p.Name.Trim(), Blank(p.Phone), Blank(p.UserName));
        static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        return new DutyRosterDocument(
            [.. document.Shifts.Select(s => s with { Name = s.Name.Trim() })],
            new DutyRotation(document.Rotation.Anchor, [.. document.Rotation.Days.Select(day => (IReadOnlyDictionary<string, DutyCrew>)day.ToDictionary(
                kv => kv.Key,
                kv => new DutyCrew([.. kv.Value.OnDuty.Select(Person)], kv.Value.Leader is { } leader ? Person(leader) : null)))]),
            [.. document.Swaps.Select(s => s with { Replaced = Blank(s.Replaced), By = Person(s.By) })]);
    }

    private static DutyRosterState StateOf(DutyRosterRecord record) =>
        new(record.NodeCode, DutyRosterDocument.Parse(record.Document), record.Version, record.UpdatedAt, record.UpdatedBy);

    private string NodeName(string code) => reference.HasCity && reference.Map.Find(code) is { } node ? $"{node.Name} ({node.Code})" : code;

    /// <summary>A roster in words for the audit trail: its shifts, its cycle and its swaps.</summary>
    private static string Describe(DutyRosterDocument document) =>
        FormattableString.Invariant($"shifts {string.Join(", ", document.Shifts.Select(s => FormattableString.Invariant($"{s.Name} {s.Start:HH\\:mm}–{s.End:HH\\:mm}")))}; ")
        + FormattableString.Invariant($"{document.Rotation.Days.Count}-day cycle from {document.Rotation.Anchor:yyyy-MM-dd}: ")
        + string.Join(" | ", document.Rotation.Days.Select((day, i) => FormattableString.Invariant($"#{i + 1} ") + string.Join(", ", day.Select(kv => $"{kv.Key} {Crew(kv.Value)}"))))
        + FormattableString.Invariant($"; {document.Swaps.Count} swaps");

    private static string Crew(DutyCrew crew) =>
        string.Join("/", crew.OnDuty.Select(p => p.Name)) + (crew.Leader is { } leader ? $" (leader {leader.Name})" : "");

    private static string Describe(DutySwap swap) => string.Create(CultureInfo.InvariantCulture,
        $"{swap.Day:yyyy-MM-dd} {swap.Shift}: {swap.Replaced ?? "+"} → {swap.By.Name}");

    /// <summary>Digits with an optional leading + and spaces or hyphens between groups: 5 to 20 characters.</summary>
    [GeneratedRegex(@"^\+?[0-9][0-9 \-]{3,18}[0-9]$")]
    private static partial Regex PhonePattern();

    /// <summary>A swap change's outcome: the new list of swaps, or why it cannot be made.</summary>
    private sealed record SwapChange(IReadOnlyList<DutySwap>? Swaps, SetupProblem? Problem);
}
