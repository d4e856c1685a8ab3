using CommandCenter.Core.Feed;
using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Infrastructure.Feed;
using CommandCenter.Infrastructure.Hotspots;
using CommandCenter.Infrastructure.Metrics;
using CommandCenter.Infrastructure.Monitoring;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Infrastructure.Petitions;
using CommandCenter.Infrastructure.Policies;
using CommandCenter.Infrastructure.Seeding;
using CommandCenter.Infrastructure.Simulation;
using CommandCenter.Infrastructure.Supervision;
using CommandCenter.Infrastructure.Teams;
using CommandCenter.Infrastructure.Wall;
using CommandCenter.Infrastructure.Workflow;
using Microsoft.AspNetCore.DataProtection;
using Quartz;
using StackExchange.Redis;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CommandCenter.Infrastructure;

public static class DependencyInjection
{
    /// <summary>
    /// The store, reference data, live feed, metric store, application services and simulator. <paramref name="contentRoot"/>
    /// anchors a relative <c>DataDir</c> (default <c>App_Data</c>) and the seeds folder.
    /// </summary>
    public static IServiceCollection AddCommandCenterInfrastructure(this IServiceCollection services, IConfiguration configuration, string contentRoot, string appBase)
    {
        services.TryAddTimeProvider();
        services.AddOptions<StoreOptions>().Configure(store =>
        {
            store.Provider = StoreOptions.ProviderIn(configuration);
            store.PostgreSqlConnectionString = configuration.GetConnectionString("Store");
            store.DataDir = StoreOptions.ResolveDataDir(configuration, contentRoot);
            store.SeedDir = Path.GetFullPath(configuration["SeedDir"] is { Length: > 0 } seeds ? seeds : Path.Combine(appBase, "seeds"), contentRoot);
            store.SeedDemoCity = configuration.GetValue<bool>("Demo:City");
            store.SeedDemoDutyRosters = configuration.GetValue<bool>("Demo:DutyRosters");
        })
            .Validate(store => Enum.IsDefined(store.Provider), "Store:Provider must be Sqlite (the default) or PostgreSQL.")
            .Validate(store => store.Provider != StoreProvider.PostgreSQL || !string.IsNullOrWhiteSpace(store.PostgreSqlConnectionString),
                "ConnectionStrings:Store must name the PostgreSQL database when Store:Provider is PostgreSQL, e.g. Host=db;Database=commandcenter;Username=cc;Password=….")
            .ValidateOnStart();
        services.AddOptions<AlertOptions>().Bind(configuration.GetSection("Alerts"))
            .Validate(o => o.MergeWindow > TimeSpan.Zero && o.MergeWindow <= TimeSpan.FromDays(1), "Alerts:MergeWindow must be a time span between 00:00:01 and 1.00:00:00, e.g. 00:30:00.")
            .ValidateOnStart();
        services.AddOptions<SimulatorOptions>().Bind(configuration.GetSection("Simulator"))
            .Validate(o => o.EventsPerMinute == 0 || o.EventsPerMinute is >= 0.01 and <= 100_000, "Simulator:EventsPerMinute must be 0 (off) or between 0.01 and 100000.")
            .ValidateOnStart();
        services.AddOptions<MonitoringOptions>().Bind(configuration.GetSection("Monitoring"))
            .Validate(o => o.SilentGridHours is > 0 and <= 720, "Monitoring:SilentGridHours must be more than 0 and at most 720 (30 days), e.g. 8.")
            .ValidateOnStart();

        // Pooled: a context is created for every batch of reports, every job run and every page load, and building a
        // fresh one's internal services was ~1.5 % of the server's CPU at 200 reports/s. A context comes back from the
        // pool reset (PooledContextTests).
        services.AddPooledDbContextFactory<CommandCenterDbContext>((provider, db) => db.UseStore(provider.GetRequiredService<IOptions<StoreOptions>>().Value));

        services.AddSingleton<ReferenceData>();
        services.AddSingleton<ReferenceLoader>();
        services.AddOptions<Core.Hierarchy.CityImportOptions>().Bind(configuration.GetSection("Import"))
            .Validate(o => o.SliverSquareMetres is >= 0 and <= 1_000_000, "Import:SliverSquareMetres must be between 0 and 1000000 (m²), e.g. 1.")
            .ValidateOnStart();
        services.AddSingleton<Import.CityImporter>();
        services.AddHostedService<ReferenceWatcher>();
        services.AddSingleton<MetricTrendReader>();
        services.AddSingleton<IWallSnapshotSource, StoreWallSnapshotSource>();
        services.AddSingleton<StoreInitializer>();
        services.AddSingleton<Backup.DataDirectoryBackup>();
        services.AddSingleton<Audit.AuditTrailVerifier>();
        services.AddHostedService<StoreInitializerHostedService>();
        services.AddSingleton<InProcessLiveFeed>();
        if (configuration.GetConnectionString("Redis") is { Length: > 0 } redis)
        {
            // Several servers: the feed crosses them over Redis. Not reaching Redis at start-up is not fatal: each
            // server serves its own clients until the link comes up, and the wall says so meanwhile.
            services.AddSingleton<IConnectionMultiplexer>(_ =>
            {
                var options = ConfigurationOptions.Parse(redis);
                options.AbortOnConnectFail = false;
                return ConnectionMultiplexer.Connect(options);
            });
            services.AddSingleton<RedisLiveFeed>();
            services.AddSingleton<ILiveFeed>(provider => provider.GetRequiredService<RedisLiveFeed>());
            services.AddSingleton<IOwnFeed>(provider => provider.GetRequiredService<RedisLiveFeed>());
            services.AddSingleton(provider => new FeedLink(provider.GetRequiredService<IConnectionMultiplexer>()));
        }
        else
        {
            services.AddSingleton<ILiveFeed>(provider => provider.GetRequiredService<InProcessLiveFeed>());
            services.AddSingleton<IOwnFeed>(provider => provider.GetRequiredService<InProcessLiveFeed>());
            services.AddSingleton(new FeedLink());
        }
        services.AddSingleton<Core.Duty.IDutyDirectory, Duty.DutyDirectory>();
        services.AddSingleton<Duty.DutyRosterAdministration>();

        // The keys behind sign-in cookies, antiforgery tokens and acknowledgement links live in the store: every server
        // behind the load balancer reads the same ones (a cookie issued by one is valid on the others) and a restart keeps them.
        services.AddDataProtection()
            .SetApplicationName("CommandCenter")
            .PersistKeysToDbContext<CommandCenterDbContext>();
        services.AddOptions<Notifications.NotificationOptions>().Bind(configuration.GetSection(Notifications.NotificationOptions.Section));
        services.AddSingleton<Notifications.AcknowledgementLinks>();
        services.AddSingleton<Notifications.AcknowledgementByLink>();
        Notifications.Delivery.DeliveryRegistration.AddNotificationDelivery(services, configuration);
        services.AddSingleton<AlertIngestionService>();
        services.AddSingleton<PetitionService>();
        services.AddSingleton<TeamService>();
        services.AddSingleton<TeamAdministration>();
        services.AddSingleton<PolicyAdministration>();
        services.AddSingleton<AlertWorkflowService>();
        services.AddSingleton<DispatchService>();
        services.AddSingleton<SupervisionService>();
        services.AddSingleton<HotspotService>();
        services.AddSingleton<HotspotTrendService>();
        services.AddSingleton<MetricSnapshotService>();
        services.AddSingleton<EscalationService>();
        services.AddSingleton<PetitionCadenceService>();
        services.AddSingleton<LateReportService>();
        services.AddSingleton<GridActivityService>();
        services.AddMetrics(configuration);
        services.AddJobs(configuration, StoreOptions.ResolveDataDir(configuration, contentRoot));
        services.AddHostedService<DemoCitySimulator>();
        services.AddHostedService<FeedHeartbeatService>();

        // Notification rules: events from the audit trail into grouped notifications and their deliveries.
        services.AddOptions<Notifications.NotificationOptions>()
            .Validate(o => o.GroupingWindow >= TimeSpan.Zero && o.GroupingWindow <= TimeSpan.FromHours(1), "Notifications:GroupingWindow must be a time span between 00:00:00 and 01:00:00, e.g. 00:00:30.")
            .Validate(o => o.CatchUp > TimeSpan.Zero && o.CatchUp <= TimeSpan.FromDays(7), "Notifications:CatchUp must be a time span between 00:00:01 and 7.00:00:00, e.g. 01:00:00.")
            .Validate(o => o.ScanInterval >= TimeSpan.FromMilliseconds(100) && o.ScanInterval <= TimeSpan.FromMinutes(1), "Notifications:ScanInterval must be a time span between 00:00:00.1 and 00:01:00, e.g. 00:00:01.")
            .ValidateOnStart();
        services.AddSingleton<Notifications.DutyRecipients>();
        services.AddSingleton<Notifications.NotificationOutbox>();
        services.AddSingleton<Notifications.NotificationScanner>();
        services.AddSingleton<Notifications.NotificationRulesService>();
        services.AddHostedService(provider => provider.GetRequiredService<Notifications.NotificationRulesService>());
        return services;
    }

    /// <summary>
    /// Quartz with a persistent store, so schedules survive restarts: on SQLite its own file in the data directory; on
    /// PostgreSQL the store's database, clustered, so of several servers exactly one runs each firing of a job and
    /// another takes over the schedule when one dies.
    /// </summary>
    private static void AddJobs(this IServiceCollection services, IConfiguration configuration, string dataDir)
    {
        Directory.CreateDirectory(dataDir);
        var shared = StoreOptions.ProviderIn(configuration) == StoreProvider.PostgreSQL ? configuration.GetConnectionString("Store") : null;
        services.AddQuartz(quartz =>
        {
            quartz.UsePersistentStore(store =>
            {
                if (shared is not null)
                {
                    store.UsePostgres(Npgsql.NpgsqlFactory.Instance, shared);
                    store.UseClustering();
                }
                else
                {
                    store.UseSqlite($"Data Source={Path.Combine(dataDir, StoreOptions.JobsFile)};Pooling=True");
                }

                store.ProvisionSchema(); // creates the QRTZ_* tables on first start (System.Text.Json serialisation is Quartz 4's default)
            });
            quartz.AddRepeatingJob<OverdueEscalationJob>(OverdueEscalationJob.Key, new TriggerKey("overdue-escalation-every-2s", "workflow"), OverdueEscalationJob.Interval);
            quartz.AddRepeatingJob<PetitionCadenceJob>(PetitionCadenceJob.Key, new TriggerKey("petition-cadence-every-10s", "monitoring"), PetitionCadenceJob.Interval);
            quartz.AddRepeatingJob<LateReportJob>(LateReportJob.Key, new TriggerKey("late-report-every-10s", "monitoring"), LateReportJob.Interval);
            quartz.AddRepeatingJob<SilentGridJob>(SilentGridJob.Key, new TriggerKey("silent-grids-every-minute", "monitoring"), SilentGridJob.Interval);
            quartz.AddRepeatingJob<MetricSnapshotJob>(MetricSnapshotJob.Key, new TriggerKey("metric-snapshot-every-minute", "metrics"), MetricSnapshotJob.Interval);
        });
        services.AddSingleton<SchedulerHost>();
        services.AddHostedService(provider => provider.GetRequiredService<SchedulerHost>());
    }

    /// <summary>A durable job run at start-up and then every <paramref name="interval"/>, for ever.</summary>
    private static void AddRepeatingJob<TJob>(this IQuartzBuilder quartz, JobKey job, TriggerKey trigger, TimeSpan interval)
        where TJob : IJob
    {
        quartz.AddJob<TJob>(j => j.WithIdentity(job).StoreDurably());
        quartz.AddTrigger(t => t
            .ForJob(job)
            .WithIdentity(trigger)
            .StartNow()
            .WithSimpleSchedule(schedule => schedule
                .WithInterval(interval)
                .RepeatForever()
                .WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount))); // missed runs collapse into the next scan
    }

    private static void TryAddTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
        {
            services.AddSingleton(TimeProvider.System);
        }
    }
}
