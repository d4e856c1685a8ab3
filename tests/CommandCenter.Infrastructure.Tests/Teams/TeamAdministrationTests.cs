using CommandCenter.Core;
using CommandCenter.Core.Access;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Feed;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure.Administration;
using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Infrastructure.Teams;
using CommandCenter.Infrastructure.Workflow;
using CommandCenter.Testing;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Infrastructure.Tests.Teams;

/// <summary>
/// <see cref="TeamAdministration"/> on a real store with the demo city's 60 teams (TM-001 … TM-060). 湖滨街道
/// (330188001) is the town admin's; TM-006 is its town team, TM-009 belongs to 望江街道 (330188002).
/// </summary>
public sealed class TeamAdministrationTests
{
    private const string Hubin = "330188001";
    private const string HubinCommunity = "330188001002";

    private static readonly Operator CityAdmin = new("u-admin", "系统管理员", Role.Admin, "330188");
    private static readonly Operator HubinAdmin = new("u-hubin-admin", "湖滨管理员", Role.Admin, Hubin);
    private static readonly Operator HubinStaff = new("u-hubin-1", "陈静", Role.Staff, Hubin);

    /// <summary>TM-006's seeded position: inside 湖滨街道.</summary>
    private static readonly GeoPoint InsideHubin = new(30.27752, 120.110579);

    /// <summary>TM-009's seeded position: inside 望江街道, so outside 湖滨街道.</summary>
    private static readonly GeoPoint InsideWangjiang = new(30.280827, 120.139309);

    [Fact]
    public async Task SuggestCodeAsync_SeededTeams_IsOneAfterTheHighestCode()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        Assert.Equal("TM-061", await Admin(host).SuggestCodeAsync());
    }

    [Fact]
    public async Task CreateAsync_ValidDraft_StoresAnAvailableTeamAtItsHomesLevel()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        var result = await Admin(host).CreateAsync(Draft(HubinCommunity), CityAdmin);

        Assert.True(result.Done);
        var stored = await StoredAsync(host, "TM-061");
        Assert.Equal(("荷风社区应急小分队", TeamType.GeneralService, NodeLevel.Community, HubinCommunity, TeamStatus.Available),
            (stored.Name, stored.Type, stored.Level, stored.NodeCode, stored.Status));
        Assert.Equal([new TeamMember("张伟", MemberRole.Volunteer, "13800000001"), new TeamMember("李娜", MemberRole.Cadre, null)], stored.Members);
    }

    [Fact]
    public async Task CreateAsync_ValidDraft_WritesOneAuditEntryNamingTheTeamAndItsHome()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        await Admin(host).CreateAsync(Draft(HubinCommunity), CityAdmin);

        var entry = Assert.Single(await AuditAsync(host, "TM-061"));
        Assert.Equal((AuditAction.TeamCreated, "系统管理员", "Admin@330188"), (entry.Action, entry.Actor, entry.Seat));
        Assert.Contains("荷风社区应急小分队", entry.Comment, StringComparison.Ordinal);
        Assert.Contains(HubinCommunity, entry.Comment, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_ValidDraft_PublishesTheTeamInItsHomesScope()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);

        await Admin(host).CreateAsync(Draft(HubinCommunity), CityAdmin);

        var change = await feed.NextAsync<TeamChanged>();
        Assert.Equal(("TM-061", false, new NodePath("330188", Hubin, HubinCommunity, null)), (change.TeamCode, change.Withdrawn, change.Scope));
    }

    [Fact]
    public async Task CreateAsync_PositionOutsideTheHomeNode_IsRefusedAndStoresNothing()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        var result = await Admin(host).CreateAsync(Draft(Hubin) with { Position = InsideWangjiang }, CityAdmin);

        Assert.Equal(SetupRefusal.Invalid, result.Refusal);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(("position", "Problem_Team_PositionOutsideNode"), (problem.Field, problem.Key));
        Assert.Null(await FindAsync(host, "TM-061"));
    }

    [Fact]
    public async Task CreateAsync_PositionInsideTheHomeNode_IsStored()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        await Admin(host).CreateAsync(Draft(Hubin) with { Position = InsideHubin }, CityAdmin);

        var stored = await StoredAsync(host, "TM-061");
        Assert.Equal((InsideHubin.Latitude, InsideHubin.Longitude), (stored.Latitude, stored.Longitude));
    }

    [Fact]
    public async Task CreateAsync_EmptyDraft_NamesEveryMissingField()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        var result = await Admin(host).CreateAsync(new TeamDraft(" ", null, null, null, [new MemberDraft("", null, "12ab")], null), CityAdmin);

        Assert.Equal(SetupRefusal.Invalid, result.Refusal);
        Assert.Equal(
            ["code", "name", "type", "nodeCode", "members[0].name", "members[0].role", "members[0].phone"],
            result.Problems.Select(p => p.Field));
    }

    [Fact]
    public async Task CreateAsync_CodeOfARetiredTeam_IsRefusedAsTaken()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await Admin(host).RetireAsync("TM-026", CityAdmin);

        var result = await Admin(host).CreateAsync(Draft(HubinCommunity) with { Code = "TM-026" }, CityAdmin);

        Assert.Equal(("code", "Problem_Team_CodeTaken"), (Assert.Single(result.Problems).Field, result.Problems[0].Key));
    }

    [Fact]
    public async Task CreateAsync_TownAdminInTheirTown_Succeeds()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        var result = await Admin(host).CreateAsync(Draft(HubinCommunity), HubinAdmin);

        Assert.True(result.Done);
    }

    [Fact]
    public async Task CreateAsync_TownAdminInAnotherTown_IsForbiddenAndStoresNothing()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        var result = await Admin(host).CreateAsync(Draft("330188002001"), HubinAdmin);

        Assert.Equal(SetupRefusal.Forbidden, result.Refusal);
        Assert.Equal("Problem_Team_NodeOutsideJurisdiction", Assert.Single(result.Problems).Key);
        Assert.Null(await FindAsync(host, "TM-061"));
    }

    [Fact]
    public async Task CreateAsync_StaffMember_IsForbidden()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        var result = await Admin(host).CreateAsync(Draft(HubinCommunity), HubinStaff);

        Assert.Equal(SetupRefusal.Forbidden, result.Refusal);
    }

    [Fact]
    public async Task EditAsync_NameAndMembers_AreChangedAndAuditedOldToNew()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var before = TeamDraft.From(await StoredAsync(host, "TM-006"));

        var result = await Admin(host).EditAsync("TM-006", before with
        {
            Name = "湖滨街道平安巡防中队",
            Members = [.. before.Members, new MemberDraft("王强", MemberRole.Patroller, null)],
        }, HubinAdmin);

        Assert.True(result.Done);
        var stored = await StoredAsync(host, "TM-006");
        Assert.Equal(("湖滨街道平安巡防中队", before.Members.Count + 1), (stored.Name, stored.Members.Count));
        var entry = Assert.Single(await AuditAsync(host, "TM-006"));
        Assert.Equal(AuditAction.TeamChanged, entry.Action);
        Assert.Equal("name 湖滨街道治安巡防中队 → 湖滨街道平安巡防中队; members added: 王强 (Patroller)", entry.Comment);
    }

    [Fact]
    public async Task EditAsync_DeployedTeam_KeepsItsStatusAndAssignment()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await DispatchAsync(host, "TM-006");
        var before = TeamDraft.From(await StoredAsync(host, "TM-006"));

        await Admin(host).EditAsync("TM-006", before with { Name = "湖滨街道平安巡防中队" }, CityAdmin);

        var stored = await StoredAsync(host, "TM-006");
        Assert.Equal((TeamStatus.Dispatched, (Guid?)alertId, "湖滨街道平安巡防中队"), (stored.Status, stored.CurrentAlertId, stored.Name));
    }

    [Fact]
    public async Task EditAsync_NewHome_WithdrawsTheTeamFromTheOldScopeAndShowsItInTheNew()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        var before = TeamDraft.From(await StoredAsync(host, "TM-006"));

        await Admin(host).EditAsync("TM-006", before with { NodeCode = HubinCommunity, Position = null }, CityAdmin);

        var changes = feed.Published.OfType<TeamChanged>().Select(c => (c.Scope.Codes().Last(), c.Withdrawn, c.Level)).ToList();
        Assert.Equal([(Hubin, true, NodeLevel.Community), (HubinCommunity, false, NodeLevel.Community)], changes);
    }

    [Fact]
    public async Task EditAsync_TownAdminOnAnotherTownsTeam_IsForbiddenAndChangesNothing()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var before = TeamDraft.From(await StoredAsync(host, "TM-009"));

        var result = await Admin(host).EditAsync("TM-009", before with { Name = "改名" }, HubinAdmin);

        Assert.Equal(SetupRefusal.Forbidden, result.Refusal);
        Assert.Equal("望江街道文化服务队", (await StoredAsync(host, "TM-009")).Name);
    }

    [Fact]
    public async Task EditAsync_TownAdminMovingTheirTeamToAnotherTown_IsForbidden()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var before = TeamDraft.From(await StoredAsync(host, "TM-006"));

        var result = await Admin(host).EditAsync("TM-006", before with { NodeCode = "330188002", Position = null }, HubinAdmin);

        Assert.Equal(("nodeCode", SetupRefusal.Forbidden), (Assert.Single(result.Problems).Field, result.Refusal));
        Assert.Equal(Hubin, (await StoredAsync(host, "TM-006")).NodeCode);
    }

    [Fact]
    public async Task EditAsync_PositionOutsideTheHomeNode_IsRefused()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var before = TeamDraft.From(await StoredAsync(host, "TM-006"));

        var result = await Admin(host).EditAsync("TM-006", before with { Position = InsideWangjiang }, CityAdmin);

        Assert.Equal("Problem_Team_PositionOutsideNode", Assert.Single(result.Problems).Key);
        Assert.Equal(InsideHubin.Latitude, (await StoredAsync(host, "TM-006")).Latitude);
    }

    [Fact]
    public async Task RetireAsync_TeamOnAnOpenAlert_IsRefusedNamingTheAlert()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await DispatchAsync(host, "TM-006");

        var result = await Admin(host).RetireAsync("TM-006", CityAdmin);

        Assert.Equal(SetupRefusal.Conflict, result.Refusal);
        var problem = Assert.Single(result.Problems);
        Assert.Equal("Problem_Team_RetireWhileDeployed", problem.Key);
        Assert.Equal(["湖滨街道治安巡防中队", "电动车被盗", alertId, AlertState.Reported], problem.Args);
        Assert.Null((await StoredAsync(host, "TM-006")).RetiredAt);
    }

    [Fact]
    public async Task RetireAsync_FreeTeam_IsGoneFromTheListsButKeepsItsHistory()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await DispatchAsync(host, "TM-006");
        await host.Get<TeamService>().ChangeStatusAsync("TM-006", new TeamStatusReport(TeamStatus.Available, alertId), Actors.Dispatcher);

        var result = await Admin(host).RetireAsync("TM-006", CityAdmin);

        Assert.True(result.Done);
        Assert.DoesNotContain("TM-006", (await Admin(host).ListAsync(CityAdmin, new TeamQuery())).Select(t => t.Code));
        Assert.Contains("TM-006", (await Admin(host).ListAsync(CityAdmin, new TeamQuery(IncludeRetired: true))).Select(t => t.Code));
        await using var db = host.NewDbContext();
        Assert.Single(await db.Deployments.Where(d => d.TeamCode == "TM-006").ToListAsync());
        Assert.Equal(
            [AuditAction.StatusChanged, AuditAction.StatusChanged, AuditAction.TeamRetired],
            (await AuditAsync(host, "TM-006")).Select(e => e.Action));
    }

    [Fact]
    public async Task RetireAsync_FreeTeam_IsNoLongerADispatchCandidate()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        var alertId = await RaiseAsync(host);

        await Admin(host).RetireAsync("TM-006", CityAdmin);

        var candidates = await host.Get<DispatchService>().CandidatesAsync(alertId, HubinStaff);
        Assert.DoesNotContain("TM-006", candidates!.Value.Candidates.Select(c => c.Team.Code));
        Assert.Contains("TM-007", candidates.Value.Candidates.Select(c => c.Team.Code));
    }

    [Fact]
    public async Task RetireAsync_RetiredTeam_RefusesStatusReports()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);
        await Admin(host).RetireAsync("TM-006", CityAdmin);

        var error = await Assert.ThrowsAsync<DomainRuleException>(() =>
            host.Get<TeamService>().ChangeStatusAsync("TM-006", new TeamStatusReport(TeamStatus.Available), Actors.Dispatcher));

        Assert.Contains("retired", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetireAsync_FreeTeam_PublishesItsWithdrawal()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);

        await Admin(host).RetireAsync("TM-006", CityAdmin);

        var change = await feed.NextAsync<TeamChanged>();
        Assert.Equal(("TM-006", true, Hubin), (change.TeamCode, change.Withdrawn, change.Scope.TownCode));
    }

    [Fact]
    public async Task RetireAsync_TownAdminOnAnotherTownsTeam_IsForbidden()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        var result = await Admin(host).RetireAsync("TM-009", HubinAdmin);

        Assert.Equal(SetupRefusal.Forbidden, result.Refusal);
        Assert.Null((await StoredAsync(host, "TM-009")).RetiredAt);
    }

    [Fact]
    public async Task ListAsync_TownAdmin_SeesOnlyTheTeamsOfTheirTown()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        var teams = await Admin(host).ListAsync(HubinAdmin, new TeamQuery());

        Assert.NotEmpty(teams);
        Assert.All(teams, t => Assert.StartsWith(Hubin, t.NodeCode, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ListAsync_TypeAndText_Filter()
    {
        using var dir = new TempDirectory();
        await using var host = await StoreHost.StartAsync(dir.Path);

        var teams = await Admin(host).ListAsync(CityAdmin, new TeamQuery(Type: TeamType.Medical, Text: "翠苑"));

        Assert.Equal(["TM-024"], teams.Select(t => t.Code));
    }

    private static TeamAdministration Admin(StoreHost host) => host.Get<TeamAdministration>();

    private static TeamDraft Draft(string nodeCode) => new(
        "TM-061", " 荷风社区应急小分队 ", TeamType.GeneralService, nodeCode,
        [new MemberDraft("张伟", MemberRole.Volunteer, "13800000001"), new MemberDraft("李娜", MemberRole.Cadre, " ")], null);

    private static async Task<Guid> RaiseAsync(StoreHost host) =>
        (await host.Get<AlertIngestionService>().IngestAsync(Reports.InGrid(DemoCity.GridCode(0, 0, 3)), Actors.Hotline)).Alert.Id;

    private static async Task<Guid> DispatchAsync(StoreHost host, string teamCode)
    {
        var alertId = await RaiseAsync(host);
        await host.Get<TeamService>().ChangeStatusAsync(teamCode, new TeamStatusReport(TeamStatus.Dispatched, alertId), Actors.Dispatcher);
        return alertId;
    }

    private static async Task<Team?> FindAsync(StoreHost host, string code)
    {
        await using var db = host.NewDbContext();
        return await db.Teams.AsNoTracking().FirstOrDefaultAsync(t => t.Code == code);
    }

    private static async Task<Team> StoredAsync(StoreHost host, string code) =>
        await FindAsync(host, code) ?? throw new InvalidOperationException($"No team {code}.");

    private static async Task<List<AuditEntry>> AuditAsync(StoreHost host, string code)
    {
        await using var db = host.NewDbContext();
        return await db.AuditEntries.AsNoTracking().Where(e => e.Subject == AuditSubject.Team && e.SubjectId == code).OrderBy(e => e.Id).ToListAsync();
    }
}
