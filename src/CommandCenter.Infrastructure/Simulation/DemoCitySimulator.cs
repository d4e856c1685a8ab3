using CommandCenter.Core;
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

    /// <summary>Mean number of simulated events (reports, team moves, follow-ups) per minute.</summary>
    public double EventsPerMinute { get; set; } = 30;

    /// <summary>Random seed, so a demo can be replayed.</summary>
    public int Seed { get; set; } = 20261127;
}

/// <summary>
/// Makes the demo city live: reports with Poisson arrivals weighted to a few hotspot grids, now and then a storm of
/// repeats, a group petition moving through its stages with follow-ups, and teams dispatched and coming back. It
/// goes through the same services as the API: there is no back door.
/// </summary>
public sealed class DemoCitySimulator(
    AlertIngestionService alerts,
    PetitionService petitions,
    TeamService teams,
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

    private readonly Random _random = new(options.Value.Seed);
    private readonly List<(Guid Id, string GridCode)> _recentAlerts = [];
    private AdminNode[] _grids = [];
    private AdminNode[] _hotspots = [];
    private Category[] _leafCategories = [];
    private Guid? _petition;
    private long _sequence;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled || settings.EventsPerMinute <= 0)
        {
            return;
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
            catch (DomainRuleException ex)
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

    /// <summary>Picks the hotspots and categories; <see cref="ExecuteAsync"/> does this before its first step.</summary>
    internal void Prepare()
    {
        _grids = [.. reference.Map.Grids];
        _hotspots = [.. _grids.OrderBy(_ => _random.Next()).Take(8)];
        _leafCategories = [.. reference.Categories.All.Where(c => c.ParentCode is not null)];
    }

    /// <summary>One simulated event: a report (70 %), a team move (20 %), a petition step (7 %) or a storm of repeats (3 %).</summary>
    internal async Task StepAsync(CancellationToken ct)
    {
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

    private async Task TeamStepAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var all = await db.Teams.AsNoTracking().Where(t => t.Status != TeamStatus.OffDuty).OrderBy(t => t.Code).ToListAsync(ct);
        if (all.Count == 0)
        {
            return;
        }

        var team = all[_random.Next(all.Count)];
        var report = team.Status switch
        {
            TeamStatus.Available => DispatchTarget(team) is { } alertId ? new TeamStatusReport(TeamStatus.Dispatched, alertId) : null,
            TeamStatus.Dispatched => new TeamStatusReport(TeamStatus.EnRoute),
            TeamStatus.EnRoute => new TeamStatusReport(TeamStatus.OnScene, Position: AlertPosition(team.CurrentAlertId)),
            TeamStatus.OnScene => new TeamStatusReport(TeamStatus.Returning),
            _ => new TeamStatusReport(TeamStatus.Available),
        };
        if (report is not null)
        {
            await teams.ChangeStatusAsync(team.Code, report, Simulator, ct);
        }
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
}
