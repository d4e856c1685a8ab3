using CommandCenter.Core;
using CommandCenter.Core.Access;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Catalog;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Petitions;
using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Infrastructure.Petitions;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Infrastructure.Teams;
using CommandCenter.Infrastructure.Workflow;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetTopologySuite.Geometries;

namespace CommandCenter.Infrastructure.Simulation;

/// <summary>Settings under <c>Simulator</c>.</summary>
public sealed class SimulatorOptions
{
    public bool Enabled { get; set; }

    /// <summary>Mean number of simulated events (reports, team moves, follow-ups, staff work on alerts) per minute.</summary>
    public double EventsPerMinute { get; set; } = 30;

    /// <summary>Random seed, so a demo can be replayed.</summary>
    public int Seed { get; set; } = 20261127;
}

/// <summary>
/// Makes the demo city live: reports with Poisson arrivals weighted to a few hotspot grids, now and then a storm of
/// repeats, a group petition moving through its stages with follow-ups, teams dispatched and coming back, and
/// simulated staff working alerts round the closed loop (a staffer per town, a city duty officer who verifies). It
/// goes through the same services as the API: there is no back door.
/// </summary>
public sealed class DemoCitySimulator(
    AlertIngestionService alerts,
    PetitionService petitions,
    TeamService teams,
    AlertWorkflowService workflow,
    DispatchService dispatch,
    IDbContextFactory<CommandCenterDbContext> contexts,
    ReferenceData reference,
    TimeProvider time,
    IOptions<SimulatorOptions> options,
    ILogger<DemoCitySimulator> logger) : BackgroundService
{
    private static readonly Actor Simulator = Actor.System("simulator");
    private static readonly TimeSpan MaxGap = TimeSpan.FromHours(1);
    private static readonly string[] Destinations = ["市政府", "市信访局", "区政府", "市住建局"];
    private static readonly string[] Subjects = ["拆迁补偿", "工程欠薪", "物业维修基金", "学区划分", "征地补偿"];

    private static readonly string[] Feedback =
    [
        "已到现场核实处置，问题整改到位，群众表示满意。",
        "已协调责任单位现场处置完毕，秩序恢复正常。",
        "已督促责任主体限期整改，经复查整改完毕。",
        "已清理完毕并做好宣传劝导，纳入网格日常巡查。",
        "已联合相关部门处置，隐患已消除。",
    ];

    /// <summary>The event rate the stage dwell times below are written for; a faster demo shortens them in proportion.</summary>
    private const double PaceEventsPerMinute = 30;

    /// <summary>Simulated users' ids start with this, so the simulator never takes over an alert a real person holds.</summary>
    private const string SimulatedUserPrefix = "sim-";

    /// <summary>How many of the oldest open alerts a work step looks at besides the ones it raised lately.</summary>
    private const int BacklogWindow = 200;

    /// <summary>The moves one work step makes at most: enough for the whole shift to keep up with the reports.</summary>
    private const int MaxMovesPerWorkStep = 40;

    private const double LateAcknowledgeShare = 0.10;
    private const double VoidShare = 0.04;
    private const double DispatchShare = 0.60;
    private const double SendBackShare = 0.08;

    private readonly Random _random = new(options.Value.Seed);
    private readonly List<(Guid Id, string GridCode)> _recentAlerts = [];
    private CityMap? _preparedFor;
    private readonly double _pace = options.Value.EventsPerMinute > PaceEventsPerMinute ? PaceEventsPerMinute / options.Value.EventsPerMinute : 1;
    private AdminNode[] _grids = [];
    private AdminNode[] _hotspots = [];
    private Category[] _leafCategories = [];
    private Dictionary<string, Operator> _townStaff = [];
    private Operator _dutyOfficer = null!;
    private Guid? _petition;
    private long _sequence;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled || settings.EventsPerMinute <= 0)
        {
            return;
        }

        // A store without a city (a real city before its import) has nothing to simulate until the map arrives.
        while (!reference.HasCity)
        {
            await Task.Delay(TimeSpan.FromSeconds(5), time, stoppingToken);
        }

        Prepare();
        logger.LogInformation("Simulator on: ~{EventsPerMinute} events/min, hotspots {Hotspots}",
            settings.EventsPerMinute, string.Join(", ", _hotspots.Select(h => h.Name)));

        var meanGap = TimeSpan.FromMinutes(1) / settings.EventsPerMinute;
        while (!stoppingToken.IsCancellationRequested)
        {
            var gap = TimeSpan.FromTicks((long)Math.Min(meanGap.Ticks * -Math.Log(1 - _random.NextDouble()), MaxGap.Ticks));
            await Task.Delay(gap, time, stoppingToken);
            try
            {
                await StepAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is DomainRuleException or WorkflowDeniedException or AlertConflictException)
            {
                // A simulated move the rules refuse (a race with a real user) is skipped, not fatal.
                logger.LogDebug("Simulator step refused: {Reason}", ex.Message);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Demo data must never take the command centre down with it.
                logger.LogWarning(ex, "Simulator step failed; carrying on");
            }
        }
    }

    /// <summary>The grids that get half of all reports (and every storm).</summary>
    internal IReadOnlyList<AdminNode> Hotspots => _hotspots;

    /// <summary>
    /// Picks the hotspots and categories and staffs the city: a staffer per town and one duty officer at the city, who
    /// verifies what the staff resolve. <see cref="ExecuteAsync"/> does this before its first step.
    /// </summary>
    internal void Prepare()
    {
        _preparedFor = reference.Map;
        _recentAlerts.RemoveAll(a => reference.Map.Find(a.GridCode) is null);
        _grids = [.. reference.Map.Grids];
        _hotspots = [.. _grids.OrderBy(_ => _random.Next()).Take(8)];
        _leafCategories = [.. reference.Categories.All.Where(c => c.ParentCode is not null)];
        _townStaff = reference.Map.Towns.ToDictionary(
            t => t.Code, t => new Operator($"{SimulatedUserPrefix}staff-{t.Code}", $"{t.Name}处置员（模拟）", Role.Staff, t.Code));
        var city = reference.Map.City;
        _dutyOfficer = new Operator($"{SimulatedUserPrefix}duty-{city.Code}", $"{city.Name}指挥中心值班员（模拟）", Role.DutyOfficer, city.Code);
    }

    /// <summary>
    /// One simulated event: a report (50 %), a team move (20 %), staff working alerts (20 %), a petition step (7 %)
    /// or a storm of repeats (3 %).
    /// </summary>
    internal async Task StepAsync(CancellationToken ct)
    {
        if (!ReferenceEquals(_preparedFor, reference.Map))
        {
            Prepare(); // a re-division retired grids and towns: report into today's map only
        }

        var roll = _random.NextDouble();
        if (roll < 0.03)
        {
            await StormAsync(ct);
        }
        else if (roll < 0.10)
        {
            await PetitionStepAsync(ct);
        }
        else if (roll < 0.30)
        {
            await TeamStepAsync(ct);
        }
        else if (roll < 0.50)
        {
            await WorkStepAsync(ct);
        }
        else
        {
            await ReportAsync(PickGrid(), PickCategory(), PickSource(), ct);
        }
    }

    private async Task ReportAsync(AdminNode grid, Category category, AlertSource source, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var late = _random.NextDouble() < 0.02;
        var occurredAt = now - TimeSpan.FromMinutes(late ? 180 + _random.Next(120) : _random.Next(0, 20));
        var report = new NewAlertReport(
            source,
            $"sim-{Interlocked.Increment(ref _sequence)}-{now.ToUnixTimeMilliseconds()}",
            category.Code,
            PickSeverity(),
            source == AlertSource.GridWorker ? grid.Code : null,
            source == AlertSource.GridWorker ? null : PointIn(grid),
            occurredAt,
            $"{grid.Name}：{category.Name}",
            $"模拟上报：{reference.Categories.RootOf(category.Code).Name} / {category.Name}",
            source == AlertSource.GridWorker && grid.Workers.Count > 0 ? grid.Workers[0] : new Person("市民"));
        var result = await alerts.IngestAsync(report, Simulator, ct);
        if (result.Outcome == IngestOutcome.Created)
        {
            _recentAlerts.Add((result.Alert.Id, result.Alert.GridCode));
            if (_recentAlerts.Count > 50)
            {
                _recentAlerts.RemoveAt(0);
            }
        }
    }

    /// <summary>Many people report the same thing at once: these must merge into one alert.</summary>
    private async Task StormAsync(CancellationToken ct)
    {
        var grid = _hotspots[_random.Next(_hotspots.Length)];
        var category = PickCategory();
        var count = _random.Next(5, 16);
        logger.LogInformation("Simulator storm: {Count} reports of {Category} in {Grid}", count, category.Name, grid.Name);
        for (var i = 0; i < count; i++)
        {
            await ReportAsync(grid, category, i == 0 ? AlertSource.GridWorker : (_random.Next(2) == 0 ? AlertSource.Public : AlertSource.Hotline), ct);
        }
    }

    private async Task PetitionStepAsync(CancellationToken ct)
    {
        if (_petition is null)
        {
            var communities = reference.Map.Nodes.Where(n => n.Level == NodeLevel.Community).ToList();
            var community = communities[_random.Next(communities.Count)];
            var result = await petitions.OpenAsync(new NewPetitionWarning(
                AlertSource.GridWorker,
                $"sim-petition-{time.GetUtcNow().ToUnixTimeMilliseconds()}",
                community.Code,
                Destinations[_random.Next(Destinations.Length)],
                Subjects[_random.Next(Subjects.Length)],
                _random.Next(15, 80),
                AttentionLevel.Elevated,
                PetitionStage.Brewing,
                community.Responsible), Simulator, ct);
            _petition = result.Warning.Id;
            return;
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        var warning = await db.PetitionWarnings.AsNoTracking().FirstOrDefaultAsync(w => w.Id == _petition, ct);
        if (warning is null || !warning.IsActive)
        {
            _petition = null; // Defused by someone else: the next petition step opens a new one.
            return;
        }

        var next = warning.Stage switch
        {
            PetitionStage.Brewing => _random.Next(3) == 0 ? PetitionStage.Defused : PetitionStage.Gathering,
            PetitionStage.Gathering => _random.Next(3) == 0 ? PetitionStage.Defused : PetitionStage.Moving,
            PetitionStage.Moving => PetitionStage.Arrived,
            _ => PetitionStage.Defused,
        };
        var headcount = Math.Max(1, warning.EstimatedHeadcount + _random.Next(-5, 15));
        await petitions.AddFollowUpAsync(warning.Id, new NewFollowUp(
            next == PetitionStage.Defused ? "经耐心劝导，人员已散去，诉求转交属地办理。" : $"续报：现场约{headcount}人，状态{next}。",
            next,
            headcount,
            next >= PetitionStage.Moving ? AttentionLevel.High : null), Simulator, ct);
        if (next == PetitionStage.Defused)
        {
            _petition = null;
        }
    }

    /// <summary>
    /// A team moves on: a deployed team reports its next status itself (as the team API does), and a free team is sent
    /// as reinforcement to an alert already being worked — by the town's simulated staffer, through the dispatch
    /// service, as staff do it from the console. First dispatches are the work step's.
    /// </summary>
    private async Task TeamStepAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var all = await db.Teams.AsNoTracking().Where(t => t.RetiredAt == null && t.Status != TeamStatus.OffDuty).OrderBy(t => t.Code).ToListAsync(ct);
        if (all.Count == 0)
        {
            return;
        }

        var team = all[_random.Next(all.Count)];
        if (team.Status == TeamStatus.Available)
        {
            if (DispatchTarget(team) is { } target)
            {
                await ReinforceAsync(team, target, ct);
            }

            return;
        }

        var report = team.Status switch
        {
            TeamStatus.Dispatched => new TeamStatusReport(TeamStatus.EnRoute),
            TeamStatus.EnRoute => new TeamStatusReport(TeamStatus.OnScene, Position: AlertPosition(team.CurrentAlertId)),
            TeamStatus.OnScene => new TeamStatusReport(TeamStatus.Returning),
            _ => new TeamStatusReport(TeamStatus.Available),
        };
        await teams.ChangeStatusAsync(team.Code, report, Simulator, ct);
    }

    private async Task ReinforceAsync(Team team, Guid alertId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var alert = await db.Alerts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == alertId, ct);
        if (alert is null || alert.State is not (AlertState.Dispatched or AlertState.Handling or AlertState.Rework)
            || (alert.HandlerId is { } holder && !holder.StartsWith(SimulatedUserPrefix, StringComparison.Ordinal))
            || !_townStaff.TryGetValue(alert.TownCode, out var staff))
        {
            return;
        }

        try
        {
            await dispatch.DispatchAsync(alertId, [team.Code], staff, "增派力量支援。", ct);
        }
        catch (Exception ex) when (ex is DomainRuleException or WorkflowDeniedException or AlertConflictException)
        {
            logger.LogDebug("Simulated reinforcement of alert {AlertId} by team {Team} skipped: {Reason}", alertId, team.Code, ex.Message);
        }
    }

    /// <summary>
    /// The simulated staff take their turn: every open alert whose next step is due moves one step, oldest first,
    /// through the workflow service as a real user's would. Alerts a real person holds are left to them.
    /// </summary>
    private async Task WorkStepAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var moves = 0;
        foreach (var alert in await WorkQueueAsync(ct))
        {
            if (moves == MaxMovesPerWorkStep)
            {
                break;
            }

            if (NextMove(alert) is { } move && move.DueAt <= now && await TryMoveAsync(alert.Id, move, ct))
            {
                moves++;
            }
        }
    }

    /// <summary>
    /// The open alerts raised lately plus the oldest open ones in the store: the store's backlog (after a restart,
    /// say) drains while fresh alerts are still acknowledged on time.
    /// </summary>
    private async Task<List<Alert>> WorkQueueAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var recentIds = _recentAlerts.Select(a => a.Id).ToList();
        var recent = await db.Alerts.AsNoTracking().Where(a => recentIds.Contains(a.Id)).ToListAsync(ct);
        var stillOpen = recent.Where(a => a.IsOpen).Select(a => a.Id).ToHashSet();
        _recentAlerts.RemoveAll(a => !stillOpen.Contains(a.Id)); // closed by someone else: no team goes there any more

        var backlog = await db.Alerts.AsNoTracking().WhereOpen()
            .Where(a => a.HandlerId == null || a.HandlerId.StartsWith(SimulatedUserPrefix))
            .OrderBy(a => a.ReportedAt).ThenBy(a => a.ExternalId)
            .Take(BacklogWindow)
            .ToListAsync(ct);
        return [.. recent.Where(a => a.IsOpen).UnionBy(backlog, a => a.Id).OrderBy(a => a.ReportedAt).ThenBy(a => a.ExternalId, StringComparer.Ordinal)];
    }

    /// <summary>
    /// What the simulated staff do next to <paramref name="alert"/> and from when: most are acknowledged within a few
    /// minutes, some only after their deadline; then dispatch or handle, resolve with feedback, and the duty officer
    /// verifies (or now and then sends it back, or voids a report). Null when a real person holds it.
    /// </summary>
    private Move? NextMove(Alert alert)
    {
        if ((alert.HandlerId is { } holder && !holder.StartsWith(SimulatedUserPrefix, StringComparison.Ordinal))
            || !_townStaff.TryGetValue(alert.TownCode, out var staff))
        {
            return null;
        }

        return alert.State switch
        {
            AlertState.Reported when Chance(alert, "void") < VoidShare =>
                new Move(AlertAction.Void, _dutyOfficer, "经核实为重复上报，予以作废。", alert.StageStartedAt + Dwell(alert, 60, 300)),
            AlertState.Reported => new Move(AlertAction.Acknowledge, staff, null, AcknowledgeAt(alert)),
            AlertState.Acknowledged when Chance(alert, "dispatch") < DispatchShare =>
                new Move(AlertAction.Dispatch, staff, "已派处置力量赶赴现场。", alert.UpdatedAt + Dwell(alert, 30, 120)),
            AlertState.Acknowledged => new Move(AlertAction.StartHandling, staff, "网格力量已就地处置。", alert.UpdatedAt + Dwell(alert, 30, 120)),
            AlertState.Dispatched => new Move(AlertAction.StartHandling, staff, "处置力量已到达现场。", alert.UpdatedAt + Dwell(alert, 30, 180)),
            AlertState.Rework => new Move(AlertAction.StartHandling, staff, "按复核意见重新处置。", alert.UpdatedAt + Dwell(alert, 30, 120)),
            AlertState.Handling => new Move(AlertAction.Resolve, staff, Feedback[(int)(Chance(alert, "feedback") * Feedback.Length)],
                alert.UpdatedAt + Dwell(alert, 60, 300)),
            AlertState.Resolved when Chance(alert, "send-back") < SendBackShare =>
                new Move(AlertAction.SendBack, _dutyOfficer, "复核发现整改不到位，退回重新处置。", alert.UpdatedAt + Dwell(alert, 30, 120)),
            AlertState.Resolved => new Move(AlertAction.Verify, _dutyOfficer, "经复核，处置到位，予以办结。", alert.UpdatedAt + Dwell(alert, 30, 120)),
            _ => null,
        };
    }

    /// <summary>Most within a few minutes and well inside the deadline; a share deliberately late, so overdue means something.</summary>
    private DateTimeOffset AcknowledgeAt(Alert alert)
    {
        // The acknowledge clock runs from the report (it resumes, never restarts, after an un-acknowledge).
        var window = (alert.StageDeadline ?? alert.StageStartedAt) - alert.StageStartedAt;
        if (Chance(alert, "late") < LateAcknowledgeShare)
        {
            return alert.StageStartedAt + window + Dwell(alert, 60, 480);
        }

        var delay = Dwell(alert, 20, 180);
        return alert.StageStartedAt + (delay < window * 0.8 ? delay : window * 0.8);
    }

    /// <summary>A stage's dwell, between the bounds (seconds at the default pace), shortened for a faster demo.</summary>
    private TimeSpan Dwell(Alert alert, double minSeconds, double maxSeconds) =>
        TimeSpan.FromSeconds((minSeconds + (Chance(alert, "dwell") * (maxSeconds - minSeconds))) * _pace);

    /// <summary>
    /// A number in [0, 1) fixed by the seed, the alert and its current stage (FNV-1a, then a 64-bit mix): each
    /// stage's plan is the same however often and in whatever order alerts are looked at, and after a restart.
    /// </summary>
    private double Chance(Alert alert, string purpose)
    {
        var hash = 14695981039346656037UL ^ (ulong)options.Value.Seed;
        foreach (var c in $"{alert.Source}|{alert.ExternalId}|{alert.State}|{alert.StageStartedAt.ToUnixTimeMilliseconds()}|{purpose}")
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        hash = (hash ^ (hash >> 33)) * 0xff51afd7ed558ccdUL;
        hash = (hash ^ (hash >> 33)) * 0xc4ceb9fe1a85ec53UL;
        hash ^= hash >> 33;
        return (hash >> 11) / (double)(1UL << 53);
    }

    /// <summary>False when the move was refused: a real user got there first, which is theirs to win.</summary>
    private async Task<bool> TryMoveAsync(Guid alertId, Move move, CancellationToken ct)
    {
        try
        {
            var alert = move.Action == AlertAction.Dispatch
                ? await SendTeamAsync(alertId, move, ct)
                : await workflow.ApplyAsync(alertId, move.Action, move.By, move.Comment, ct);
            if (alert is null || !alert.IsOpen)
            {
                _recentAlerts.RemoveAll(a => a.Id == alertId); // no team goes to a closed alert
            }

            return alert is not null;
        }
        catch (Exception ex) when (ex is DomainRuleException or WorkflowDeniedException or AlertConflictException)
        {
            logger.LogDebug("Simulated {Action} of alert {AlertId} skipped: {Reason}", move.Action, alertId, ex.Message);
            return false;
        }
    }

    /// <summary>
    /// Dispatch as staff do it from the console: the first team the dispatch service ranks that can go now (own
    /// community first, then the nearest). When none can, the grid's own people handle it on the spot.
    /// </summary>
    private async Task<Alert?> SendTeamAsync(Guid alertId, Move move, CancellationToken ct)
    {
        var offer = await dispatch.CandidatesAsync(alertId, move.By, ct);
        if (offer is not { Candidates: var candidates })
        {
            return null;
        }

        if (candidates.FirstOrDefault(c => c.CanDispatch) is not { } best)
        {
            return await workflow.ApplyAsync(alertId, AlertAction.StartHandling, move.By, "暂无可派力量，网格力量就地处置。", ct);
        }

        return (await dispatch.DispatchAsync(alertId, [best.Team.Code], move.By, move.Comment, ct))?.Alert;
    }

    private Guid? DispatchTarget(Team team)
    {
        var candidates = _recentAlerts.Where(a => reference.Map.IsWithin(a.GridCode, team.NodeCode)).ToList();
        return candidates.Count == 0 ? null : candidates[_random.Next(candidates.Count)].Id;
    }

    private GeoPoint? AlertPosition(Guid? alertId)
    {
        var hit = _recentAlerts.FirstOrDefault(a => a.Id == alertId);
        return hit.GridCode is null ? null : PointIn(reference.Map.Find(hit.GridCode)!);
    }

    private AdminNode PickGrid() =>
        _random.NextDouble() < 0.5 ? _hotspots[_random.Next(_hotspots.Length)] : _grids[_random.Next(_grids.Length)];

    private Category PickCategory() => _leafCategories[_random.Next(_leafCategories.Length)];

    private Severity PickSeverity() => _random.NextDouble() switch
    {
        < 0.70 => Severity.General,
        < 0.90 => Severity.Major,
        < 0.98 => Severity.Serious,
        _ => Severity.Critical,
    };

    private AlertSource PickSource() => _random.NextDouble() switch
    {
        < 0.55 => AlertSource.GridWorker,
        < 0.70 => AlertSource.Public,
        < 0.90 => AlertSource.Hotline,
        < 0.95 => AlertSource.Video,
        _ => AlertSource.Sensor,
    };

    /// <summary>A random point strictly inside the grid, found by sampling its envelope.</summary>
    private GeoPoint PointIn(AdminNode grid)
    {
        var envelope = grid.Boundary.EnvelopeInternal;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var x = envelope.MinX + (_random.NextDouble() * envelope.Width);
            var y = envelope.MinY + (_random.NextDouble() * envelope.Height);
            if (grid.Boundary.Contains(grid.Boundary.Factory.CreatePoint(new Coordinate(x, y))))
            {
                return new GeoPoint(Math.Round(y, 6), Math.Round(x, 6));
            }
        }

        var centre = grid.Boundary.InteriorPoint;
        return new GeoPoint(centre.Y, centre.X);
    }

    /// <summary>One step of the closed loop a simulated person means to take, due from <see cref="DueAt"/>.</summary>
    private sealed record Move(AlertAction Action, Operator By, string? Comment, DateTimeOffset DueAt);
}
