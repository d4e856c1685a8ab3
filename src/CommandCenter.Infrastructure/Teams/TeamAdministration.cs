using System.Globalization;
using System.Text.RegularExpressions;
using CommandCenter.Core;
using CommandCenter.Core.Access;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Feed;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure.Administration;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using NetTopologySuite.Geometries;

namespace CommandCenter.Infrastructure.Teams;

/// <summary>A member as an administrator enters them.</summary>
public sealed record MemberDraft(string? Name, MemberRole? Role, string? Phone);

/// <summary>
/// A team as an administrator enters it, loose so every problem can be named at once. The level is not entered: it
/// is the home node's. The code is used only when creating; a team's code never changes, as its history names it.
/// </summary>
public sealed record TeamDraft(string? Code, string? Name, TeamType? Type, string? NodeCode, IReadOnlyList<MemberDraft> Members, GeoPoint? Position)
{
    public static TeamDraft From(Team team) => new(
        team.Code, team.Name, team.Type, team.NodeCode,
        [.. team.Members.Select(m => new MemberDraft(m.Name, m.Role, m.Phone))],
        team.Latitude is { } lat && team.Longitude is { } lon ? new GeoPoint(lat, lon) : null);
}

/// <summary>Which teams to list: under a node, of a type, with a code or name containing a text; retired ones only when asked.</summary>
public sealed record TeamQuery(string? NodeCode = null, TeamType? Type = null, string? Text = null, bool IncludeRetired = false);

/// <summary>
/// Administrators create, edit and retire teams here, for the page and the API alike. An administrator manages the
/// teams whose home lies in their own node's subtree (a town's administrator: that town). Each change is one audit
/// entry in the same save, and goes out on the live feed so walls and consoles follow without a restart.
/// </summary>
public sealed partial class TeamAdministration(
    IDbContextFactory<CommandCenterDbContext> contexts,
    ReferenceData reference,
    ILiveFeed feed,
    TimeProvider time,
    ILogger<TeamAdministration> logger)
{
    public const int CodeMaxLength = 32;
    public const int NameMaxLength = 50;
    public const int MemberNameMaxLength = 30;
    public const int MaxMembers = 50;
    private const string CodePrefix = "TM-";

    /// <summary>Whether <paramref name="by"/> may manage a team at home in <paramref name="nodeCode"/>.</summary>
    public bool CanManage(Operator by, string nodeCode) =>
        by.Role == Role.Admin && (by.NodeCode == reference.Map.City.Code || reference.Map.IsWithin(nodeCode, by.NodeCode));

    /// <summary>The teams <paramref name="by"/> manages that match the query, by code.</summary>
    public async Task<IReadOnlyList<Team>> ListAsync(Operator by, TeamQuery query, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var teams = db.Teams.AsNoTracking();
        if (!query.IncludeRetired)
        {
            teams = teams.Where(t => t.RetiredAt == null);
        }

        if (query.Type is { } type)
        {
            teams = teams.Where(t => t.Type == type);
        }

        var text = query.Text?.Trim();
        var map = reference.Map;
        return [.. (await teams.OrderBy(t => t.Code).ToListAsync(ct)).Where(t =>
            CanManage(by, t.NodeCode)
            && (string.IsNullOrEmpty(query.NodeCode) || map.IsWithin(t.NodeCode, query.NodeCode))
            && (string.IsNullOrEmpty(text)
                || t.Code.Contains(text, StringComparison.OrdinalIgnoreCase)
                || t.Name.Contains(text, StringComparison.OrdinalIgnoreCase)))];
    }

    /// <summary>One team, retired or not; null when there is none or it is outside <paramref name="by"/>'s reach.</summary>
    public async Task<Team?> FindAsync(string code, Operator by, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var team = await db.Teams.AsNoTracking().FirstOrDefaultAsync(t => t.Code == code, ct);
        return team is not null && CanManage(by, team.NodeCode) ? team : null;
    }

    /// <summary>
    /// The next free code of the usual form: one more than the highest TM-nnn ever given. Retired teams count, as
    /// their codes stay in alerts' histories and may not name a new team.
    /// </summary>
    public async Task<string> SuggestCodeAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var codes = await db.Teams.AsNoTracking().Where(t => t.Code.StartsWith(CodePrefix)).Select(t => t.Code).ToListAsync(ct);
        var highest = codes
            .Select(c => int.TryParse(c.AsSpan(CodePrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0)
            .DefaultIfEmpty(0)
            .Max();
        return string.Create(CultureInfo.InvariantCulture, $"{CodePrefix}{highest + 1:D3}");
    }

    /// <summary>
    /// What is wrong with the draft on its own (the store is not asked): required fields, lengths, the home node,
    /// the members, and a position that must lie inside the home node's boundary.
    /// </summary>
    public IReadOnlyList<SetupProblem> Check(TeamDraft draft, bool creating)
    {
        var problems = new List<SetupProblem>();
        if (creating)
        {
            var code = draft.Code?.Trim();
            if (string.IsNullOrEmpty(code))
            {
                problems.Add(new("code", "Problem_Team_CodeRequired"));
            }
            else if (code.Length > CodeMaxLength || !CodePattern().IsMatch(code))
            {
                problems.Add(new("code", "Problem_Team_CodeInvalid", code, CodeMaxLength));
            }
        }

        var name = draft.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            problems.Add(new("name", "Problem_Team_NameRequired"));
        }
        else if (name.Length > NameMaxLength)
        {
            problems.Add(new("name", "Problem_Team_NameTooLong", name.Length, NameMaxLength));
        }

        if (draft.Type is not { } type || !Enum.IsDefined(type))
        {
            problems.Add(new("type", "Problem_Team_TypeRequired"));
        }

        var node = CheckNode(draft.NodeCode, problems);
        CheckMembers(draft.Members, problems);
        if (draft.Position is { } position)
        {
            if (position.Latitude is < -90 or > 90 || position.Longitude is < -180 or > 180 || !double.IsFinite(position.Latitude) || !double.IsFinite(position.Longitude))
            {
                problems.Add(new("position", "Problem_Team_PositionInvalid", position.Latitude, position.Longitude));
            }
            else if (node is not null && !node.Boundary.Covers(node.Boundary.Factory.CreatePoint(new Coordinate(position.Longitude, position.Latitude))))
            {
                problems.Add(new("position", "Problem_Team_PositionOutsideNode", position.Latitude, position.Longitude, node.Name));
            }
        }

        return problems;
    }

    /// <summary>Creates a team, available and without an assignment.</summary>
    public async Task<SetupResult<Team>> CreateAsync(TeamDraft draft, Operator by, CancellationToken ct = default)
    {
        var problems = Check(draft, creating: true);
        if (OutOfReach(draft.NodeCode, by) is { } outside)
        {
            return SetupResult<Team>.Refused(SetupRefusal.Forbidden, outside);
        }

        if (problems.Count > 0)
        {
            return SetupResult<Team>.Refused(SetupRefusal.Invalid, problems);
        }

        var code = draft.Code!.Trim();
        var node = reference.Map.Find(draft.NodeCode!.Trim())!;
        var now = time.Now();
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var transaction = await db.BeginWriteTransactionAsync(ct);
        if (await db.Teams.AnyAsync(t => t.Code == code, ct))
        {
            return SetupResult<Team>.Refused(SetupRefusal.Invalid, new SetupProblem("code", "Problem_Team_CodeTaken", code));
        }

        var team = new Team(code, draft.Name!.Trim(), draft.Type!.Value, node.Level, node.Code, Members(draft), draft.Position, now);
        db.Teams.Add(team);
        db.AuditEntries.Add(AuditEntry.ForAdmin(AuditSubject.Team, team.Code, AuditAction.TeamCreated, Actor.Of(by), now, Describe(team)));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);

        feed.Publish(TeamChanged.From(team, reference.Map.PathOf(team.NodeCode), null, withdrawn: false, now));
        logger.LogInformation("Team {TeamCode} created at {NodeCode} by {Actor}", team.Code, team.NodeCode, by.DisplayName);
        return SetupResult<Team>.Of(team);
    }

    /// <summary>Edits a team's name, type, home, members and position; its status and assignment stay as they are.</summary>
    public async Task<SetupResult<Team>> EditAsync(string code, TeamDraft draft, Operator by, CancellationToken ct = default)
    {
        // Status reports bump the team's version all the time; an edit that lost the race is simply made again on
        // the fresh row, as it sets fields a status report never touches.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await EditOnceAsync(code, draft, by, ct);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                logger.LogInformation("Team {TeamCode} changed while being edited; editing again", code);
            }
        }
    }

    /// <summary>
    /// Retires a team: refused while it works an open alert (the refusal names each), else it goes off duty for
    /// good, any deployment left on a closed alert ends, and it disappears from walls, lists and dispatch.
    /// </summary>
    public async Task<SetupResult<Team>> RetireAsync(string code, Operator by, CancellationToken ct = default)
    {
        var now = time.Now();
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var transaction = await db.BeginWriteTransactionAsync(ct);
        var team = await db.Teams.FirstOrDefaultAsync(t => t.Code == code, ct);
        if (Refusal(team, code, by) is { } refused)
        {
            return refused;
        }

        var deployments = await db.Deployments.Where(d => d.TeamCode == code && d.EndedAt == null).ToListAsync(ct);
        var alertIds = deployments.Select(d => d.AlertId).ToHashSet();
        if (team!.CurrentAlertId is { } assigned)
        {
            alertIds.Add(assigned);
        }

        var alerts = await db.Alerts.AsNoTracking().Where(a => alertIds.Contains(a.Id)).ToListAsync(ct);
        var open = alerts.Where(a => a.IsOpen).OrderBy(a => a.ReportedAt).ToList();
        if (open.Count > 0)
        {
            return SetupResult<Team>.Refused(SetupRefusal.Conflict, [.. open.Select(a =>
                new SetupProblem("code", "Problem_Team_RetireWhileDeployed", team.Name, a.Title, a.Id, a.State))]);
        }

        foreach (var deployment in deployments)
        {
            deployment.Record(TeamStatus.OffDuty, now);
        }

        team.Retire(now);
        var comment = deployments.Count == 0
            ? $"{team.Name} retired"
            : $"{team.Name} retired; ended its deployments on closed alerts {string.Join(", ", deployments.Select(d => d.AlertId))}";
        db.AuditEntries.Add(AuditEntry.ForAdmin(AuditSubject.Team, team.Code, AuditAction.TeamRetired, Actor.Of(by), now, comment));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);

        if (reference.Map.Contains(team.NodeCode))
        {
            feed.Publish(TeamChanged.From(team, reference.Map.PathOf(team.NodeCode), null, withdrawn: true, now));
        }

        logger.LogInformation("Team {TeamCode} retired by {Actor}", team.Code, by.DisplayName);
        return SetupResult<Team>.Of(team);
    }

    private async Task<SetupResult<Team>> EditOnceAsync(string code, TeamDraft draft, Operator by, CancellationToken ct)
    {
        var now = time.Now();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var team = await db.Teams.FirstOrDefaultAsync(t => t.Code == code, ct);
        if (Refusal(team, code, by) is { } refused)
        {
            return refused;
        }

        if (OutOfReach(draft.NodeCode, by) is { } outside)
        {
            return SetupResult<Team>.Refused(SetupRefusal.Forbidden, outside);
        }

        var problems = Check(draft, creating: false);
        if (problems.Count > 0)
        {
            return SetupResult<Team>.Refused(SetupRefusal.Invalid, problems);
        }

        var before = TeamDraft.From(team!);
        var beforeLevel = team!.Level;
        var node = reference.Map.Find(draft.NodeCode!.Trim())!;
        team.Revise(draft.Name!.Trim(), draft.Type!.Value, node.Level, node.Code, Members(draft), draft.Position, now);
        var changes = Changes(before, beforeLevel, team);
        if (changes.Count == 0)
        {
            return SetupResult<Team>.Of(team);
        }

        db.AuditEntries.Add(AuditEntry.ForAdmin(AuditSubject.Team, team.Code, AuditAction.TeamChanged, Actor.Of(by), now, string.Join("; ", changes)));
        await db.SaveChangesAsync(ct);

        var assignment = team.CurrentAlertId is { } alertId
            ? await db.Alerts.AsNoTracking().Where(a => a.Id == alertId).Select(a => a.Title).FirstOrDefaultAsync(ct)
            : null;
        var map = reference.Map;
        if (before.NodeCode != team.NodeCode && map.Contains(before.NodeCode!))
        {
            // The old home's scopes drop the team first; those on the new home's path take it back with the next message.
            feed.Publish(TeamChanged.From(team, map.PathOf(before.NodeCode!), assignment, withdrawn: true, now));
        }

        feed.Publish(TeamChanged.From(team, map.PathOf(team.NodeCode), assignment, withdrawn: false, now));
        logger.LogInformation("Team {TeamCode} changed by {Actor}: {Changes}", team.Code, by.DisplayName, string.Join("; ", changes));
        return SetupResult<Team>.Of(team);
    }

    /// <summary>The refusal for a team that cannot be changed at all: missing, retired, or not <paramref name="by"/>'s.</summary>
    private SetupResult<Team>? Refusal(Team? team, string code, Operator by) => team switch
    {
        null => SetupResult<Team>.Refused(SetupRefusal.NotFound, new SetupProblem("code", "Problem_Team_NotFound", code)),
        _ when !CanManage(by, team.NodeCode) => SetupResult<Team>.Refused(SetupRefusal.Forbidden, new SetupProblem("code", "Problem_Team_OutsideJurisdiction", team.Name, NodeName(by.NodeCode))),
        { RetiredAt: { } at } => SetupResult<Team>.Refused(SetupRefusal.Conflict, new SetupProblem("code", "Problem_Team_Retired", team.Name, at)),
        _ => null,
    };

    /// <summary>A home node that exists but lies outside <paramref name="by"/>'s subtree (an unknown one is a plain input problem).</summary>
    private SetupProblem? OutOfReach(string? nodeCode, Operator by) =>
        reference.Map.Find(nodeCode?.Trim() ?? "") is { } node && !CanManage(by, node.Code)
            ? new SetupProblem("nodeCode", "Problem_Team_NodeOutsideJurisdiction", node.Name, NodeName(by.NodeCode))
            : null;

    private AdminNode? CheckNode(string? nodeCode, List<SetupProblem> problems)
    {
        var code = nodeCode?.Trim();
        if (string.IsNullOrEmpty(code))
        {
            problems.Add(new("nodeCode", "Problem_Team_NodeRequired"));
            return null;
        }

        // A store with no city imported yet has no node a team could belong to.
        var node = reference.HasCity ? reference.Map.Find(code) : null;
        if (node is null)
        {
            problems.Add(new("nodeCode", "Problem_Team_NodeUnknown", code));
        }

        return node;
    }

    private static void CheckMembers(IReadOnlyList<MemberDraft> members, List<SetupProblem> problems)
    {
        if (members.Count == 0)
        {
            problems.Add(new("members", "Problem_Team_MembersRequired"));
        }
        else if (members.Count > MaxMembers)
        {
            problems.Add(new("members", "Problem_Team_TooManyMembers", members.Count, MaxMembers));
        }

        for (var i = 0; i < members.Count; i++)
        {
            var member = members[i];
            var name = member.Name?.Trim();
            if (string.IsNullOrEmpty(name))
            {
                problems.Add(new($"members[{i}].name", "Problem_Team_MemberNameRequired", i + 1));
            }
            else if (name.Length > MemberNameMaxLength)
            {
                problems.Add(new($"members[{i}].name", "Problem_Team_MemberNameTooLong", i + 1, MemberNameMaxLength));
            }

            if (member.Role is not { } role || !Enum.IsDefined(role))
            {
                problems.Add(new($"members[{i}].role", "Problem_Team_MemberRoleRequired", i + 1));
            }

            var phone = member.Phone?.Trim();
            if (!string.IsNullOrEmpty(phone) && !PhonePattern().IsMatch(phone))
            {
                problems.Add(new($"members[{i}].phone", "Problem_Team_MemberPhoneInvalid", i + 1, phone));
            }
        }
    }

    private static List<TeamMember> Members(TeamDraft draft) =>
        [.. draft.Members.Select(m => new TeamMember(m.Name!.Trim(), m.Role!.Value, string.IsNullOrWhiteSpace(m.Phone) ? null : m.Phone.Trim()))];

    private string NodeName(string code) => reference.Map.Find(code) is { } node ? $"{node.Name} ({node.Code})" : code;

    private string Describe(Team team) => string.Create(CultureInfo.InvariantCulture,
        $"{team.Name}: {team.Type}, {team.Level} team of {NodeName(team.NodeCode)}; members {string.Join(", ", team.Members.Select(Describe))}; position {Position(team.Latitude, team.Longitude)}");

    private static string Describe(TeamMember member) => $"{member.Name} ({member.Role}{(member.Phone is null ? "" : ", " + member.Phone)})";

    private static string Position(double? latitude, double? longitude) =>
        latitude is { } lat && longitude is { } lon ? string.Create(CultureInfo.InvariantCulture, $"({lat:0.######}, {lon:0.######})") : "none";

    /// <summary>What an edit changed, in words for the audit trail: each field old → new, members added and removed.</summary>
    private List<string> Changes(TeamDraft before, NodeLevel beforeLevel, Team after)
    {
        var changes = new List<string>();
        if (before.Name != after.Name)
        {
            changes.Add($"name {before.Name} → {after.Name}");
        }

        if (before.Type != after.Type)
        {
            changes.Add($"type {before.Type} → {after.Type}");
        }

        if (before.NodeCode != after.NodeCode)
        {
            changes.Add($"home {NodeName(before.NodeCode!)} → {NodeName(after.NodeCode)}{(beforeLevel == after.Level ? "" : $" (level {beforeLevel} → {after.Level})")}");
        }

        var old = before.Members.Select(m => new TeamMember(m.Name!, m.Role!.Value, m.Phone)).ToList();
        var removed = old.Except(after.Members).ToList();
        var added = after.Members.Except(old).ToList();
        if (removed.Count > 0)
        {
            changes.Add($"members removed: {string.Join(", ", removed.Select(Describe))}");
        }

        if (added.Count > 0)
        {
            changes.Add($"members added: {string.Join(", ", added.Select(Describe))}");
        }

        if (before.Position?.Latitude != after.Latitude || before.Position?.Longitude != after.Longitude)
        {
            changes.Add($"position {Position(before.Position?.Latitude, before.Position?.Longitude)} → {Position(after.Latitude, after.Longitude)}");
        }

        return changes;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9-]*$")]
    private static partial Regex CodePattern();

    /// <summary>Digits with an optional leading + and spaces or hyphens between groups: 5 to 20 characters.</summary>
    [GeneratedRegex(@"^\+?[0-9][0-9 \-]{3,18}[0-9]$")]
    private static partial Regex PhonePattern();
}
