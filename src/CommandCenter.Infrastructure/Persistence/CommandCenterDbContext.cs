using System.Text.Json;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Audit;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Monitoring;
using CommandCenter.Core.Petitions;
using CommandCenter.Core.Teams;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CommandCenter.Infrastructure.Persistence;

/// <summary>The operational store, users included. No repository layer over it: services use it directly.</summary>
public sealed class CommandCenterDbContext(DbContextOptions<CommandCenterDbContext> options)
    : IdentityDbContext<CommandCenterUser, IdentityRole, string>(options), IDataProtectionKeyContext
{
    public DbSet<NodeRecord> Nodes => Set<NodeRecord>();

    /// <summary>The keys that protect sign-in cookies and antiforgery tokens: in the store, so every server shares them and a restart keeps them.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>The metric outboxes of the servers sharing this store, numbered (InfluxDB identities).</summary>
    public DbSet<Metrics.InfluxDB.OutboxRegistration> MetricOutboxes => Set<Metrics.InfluxDB.OutboxRegistration>();

    public DbSet<CategoryRecord> Categories => Set<CategoryRecord>();

    public DbSet<PolicyRecord> Policies => Set<PolicyRecord>();

    public DbSet<Alert> Alerts => Set<Alert>();

    /// <summary><see cref="SubtreeQueries.WhereOpen"/> as EF writes it for SQLite: the filter of the open-alert indexes.</summary>
    internal const string OpenFilter = "\"State\" NOT IN ('Closed', 'Voided')";

    public DbSet<AlertReport> AlertReports => Set<AlertReport>();

    public DbSet<PetitionWarning> PetitionWarnings => Set<PetitionWarning>();

    public DbSet<PetitionFollowUp> PetitionFollowUps => Set<PetitionFollowUp>();

    public DbSet<Team> Teams => Set<Team>();

    public DbSet<Deployment> Deployments => Set<Deployment>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    /// <summary>Runs over the audit trail: verifications and the one-time sealing of entries written before the chain.</summary>
    public DbSet<Audit.AuditCheck> AuditChecks => Set<Audit.AuditCheck>();

    public DbSet<GridCheckIn> GridCheckIns => Set<GridCheckIn>();

    public DbSet<ApiKeyRecord> ApiKeys => Set<ApiKeyRecord>();

    public DbSet<DivisionRecord> Divisions => Set<DivisionRecord>();

    public DbSet<Duty.DutyRosterRecord> DutyRosters => Set<Duty.DutyRosterRecord>();

    public DbSet<Notifications.Notification> Notifications => Set<Notifications.Notification>();

    public DbSet<Notifications.NotificationItem> NotificationItems => Set<Notifications.NotificationItem>();

    public DbSet<Notifications.NotificationDelivery> NotificationDeliveries => Set<Notifications.NotificationDelivery>();

    public DbSet<Notifications.NotificationAttempt> NotificationAttempts => Set<Notifications.NotificationAttempt>();

    public DbSet<Notifications.AcknowledgementToken> AcknowledgementTokens => Set<Notifications.AcknowledgementToken>();

    protected override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        // SQLite cannot compare DateTimeOffset text; Unix milliseconds sort and compare correctly.
        builder.Properties<DateTimeOffset>().HaveConversion<UnixMillisecondsConverter>();
        builder.Properties<DateTimeOffset?>().HaveConversion<UnixMillisecondsConverter>();
        builder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
    }

    protected override void OnModelCreating(ModelBuilder model)
    {
        base.OnModelCreating(model);
        model.Entity<CommandCenterUser>(user => user.HasIndex(u => u.NodeCode));
        model.Entity<Metrics.InfluxDB.OutboxRegistration>(outbox =>
        {
            outbox.ToTable("MetricOutboxes");
            outbox.Property(o => o.DataDir).HasMaxLength(1000);
            outbox.HasIndex(o => new { o.RetiredAt, o.Writer });
        });
        model.Entity<ApiKeyRecord>(key =>
        {
            key.ToTable("ApiKeys");
            key.HasKey(k => k.Id);
            key.HasIndex(k => k.Hash).IsUnique();
        });

        model.Entity<NodeRecord>(node =>
        {
            node.ToTable("Nodes");
            node.HasKey(n => n.Code);
            node.HasIndex(n => n.ParentCode);
            node.Property(n => n.Workers).HasConversion(new JsonConverter<List<Person>>(), new JsonComparer<List<Person>>());
        });

        model.Entity<DivisionRecord>(division =>
        {
            division.ToTable("Divisions");
            division.HasKey(d => d.Version);
            division.Property(d => d.Version).ValueGeneratedNever();
        });

        model.Entity<CategoryRecord>(category =>
        {
            category.ToTable("Categories");
            category.HasKey(c => c.Code);
        });

        model.Entity<PolicyRecord>(policy =>
        {
            policy.ToTable("Policies");
            policy.HasKey(p => p.Version);
            policy.Property(p => p.Version).ValueGeneratedNever();
        });

        model.Entity<Alert>(alert =>
        {
            alert.HasKey(a => a.Id);
            alert.Property(a => a.Version).IsConcurrencyToken();
            alert.Property(a => a.Title).HasMaxLength(IngestionLimits.TitleMaxLength);
            alert.Property(a => a.Description).HasMaxLength(IngestionLimits.DescriptionMaxLength);
            alert.Ignore(a => a.IsOpen);

            // The merge check: same grid + category, recent.
            alert.HasIndex(a => new { a.GridCode, a.CategoryCode, a.LastReportedAt });
            alert.HasIndex(a => new { a.TownCode, a.ReportedAt });
            alert.HasIndex(a => a.ReportedAt);

            // With the ones on ReportedAt: a wall's load reads what was reported or changed lately (two ranges).
            alert.HasIndex(a => a.UpdatedAt);

            // Open alerts, by place and stage deadline: the wall's load, the console's queue in urgency order, the
            // hotspots' load. Partial indexes holding only open alerts, so a year of closed history (a million rows)
            // is never read to find the few thousand still open; the filter is spelled as EF writes WhereOpen, or
            // SQLite would not use them. The id ends each key of a place, so its queue's page comes off the index
            // unsorted; the city-wide one stays narrow (a city's page sorts only alerts due at the same millisecond).
            // No index over every alert may lead with State: the planner would count open alerts by reading it whole.
            alert.HasIndex(a => a.StageDeadline, "IX_Alerts_Open").HasFilter(OpenFilter);
            alert.HasIndex(a => new { a.TownCode, a.StageDeadline, a.Id }, "IX_Alerts_OpenInTown").HasFilter(OpenFilter);
            alert.HasIndex(a => new { a.CommunityCode, a.StageDeadline, a.Id }, "IX_Alerts_OpenInCommunity").HasFilter(OpenFilter);
            alert.HasIndex(a => new { a.GridCode, a.StageDeadline, a.Id }, "IX_Alerts_OpenInGrid").HasFilter(OpenFilter);

            // The escalation scan: alerts not yet escalated for their current deadline. A partial index, so the 2-second
            // scan never re-reads an overdue backlog it has already escalated; the filter is spelled as EF writes the
            // scan's condition, or SQLite would not use it (the benchmark harness measured 157 ms → 0.3 ms at 100,000).
            alert.HasIndex(a => a.StageDeadline, "IX_Alerts_EscalationDue")
                .HasFilter("\"EscalatedDeadline\" IS NULL OR \"EscalatedDeadline\" < \"StageDeadline\"");

            // The late-report charge scan: late alerts not charged yet. A partial index, so it holds only those; its
            // filter is spelled as EF writes the scan's WHERE clause, or SQLite would not use it.
            alert.HasIndex(a => a.ReportedAt, "IX_Alerts_UnchargedLateReports")
                .HasFilter("\"IsLateReport\" AND \"LateChargedAt\" IS NULL");
        });

        model.Entity<AlertReport>(report =>
        {
            report.HasKey(r => r.Id);

            // The idempotency check, and the guarantee behind it.
            report.HasIndex(r => new { r.Source, r.ExternalId }).IsUnique();
            report.HasIndex(r => r.AlertId);

            // The silent-grid scan: which grids were heard from lately.
            report.HasIndex(r => r.ReceivedAt);
            report.HasOne<Alert>().WithMany().HasForeignKey(r => r.AlertId);
        });

        model.Entity<PetitionWarning>(warning =>
        {
            warning.HasKey(w => w.Id);
            warning.Property(w => w.Version).IsConcurrencyToken();
            warning.HasIndex(w => new { w.Source, w.ExternalId }).IsUnique();
            warning.HasIndex(w => new { w.TownCode, w.ReportedAt });
            warning.Ignore(w => w.IsActive);
            warning.HasMany(w => w.FollowUps).WithOne().HasForeignKey(f => f.PetitionWarningId);
            warning.Navigation(w => w.FollowUps).HasField("_followUps").UsePropertyAccessMode(PropertyAccessMode.Field);
        });

        model.Entity<PetitionFollowUp>(followUp => followUp.HasKey(f => f.Id));

        model.Entity<Team>(team =>
        {
            team.HasKey(t => t.Code);
            team.Property(t => t.Version).IsConcurrencyToken();
            team.Property(t => t.Members).HasConversion(new JsonConverter<List<TeamMember>>(), new JsonComparer<List<TeamMember>>());
            team.HasIndex(t => t.NodeCode);
        });

        model.Entity<Deployment>(deployment =>
        {
            deployment.HasKey(d => d.Id);
            deployment.HasIndex(d => new { d.TeamCode, d.EndedAt });
            deployment.HasIndex(d => d.AlertId);
            deployment.Ignore(d => d.IsActive);
        });

        model.Entity<GridCheckIn>(checkIn =>
        {
            checkIn.HasKey(c => c.Id);
            checkIn.Property(c => c.WorkerName).HasMaxLength(IngestionLimits.NameMaxLength);
            checkIn.HasIndex(c => new { c.GridCode, c.At });
            checkIn.HasIndex(c => c.At);
        });

        model.Entity<AuditEntry>(audit =>
        {
            audit.HasKey(a => a.Id);

            // The action's name is the stored text (as every enum's here), so entries written as strings before the
            // enum existed read back unchanged and queries compare names.
            audit.Property(a => a.Action).HasConversion<string>();

            // Each subject's trail in the order it was written: a trail's head for the next entry is one seek, and
            // verification walks the trails one after another. A subject's timeline (a few entries) sorts by time.
            audit.HasIndex(a => new { a.Subject, a.SubjectId, a.Id });
            audit.HasIndex(a => a.At);

            // Supervision reads a month of the alerts' steps out of a year of every subject's: by subject, then time.
            audit.HasIndex(a => new { a.Subject, a.At });
        });

        model.Entity<Audit.AuditCheck>(check =>
        {
            check.ToTable("AuditChecks");
            check.HasKey(c => c.Id);
            check.Property(c => c.By).HasMaxLength(200);
            check.Property(c => c.Problem).HasMaxLength(Audit.AuditTrailVerifier.ProblemMaxLength);
            check.Ignore(c => c.Intact);
            check.HasIndex(c => new { c.Kind, c.Id });
        });

        model.Entity<Duty.DutyRosterRecord>(roster =>
        {
            roster.ToTable("DutyRosters");
            roster.HasKey(r => r.NodeCode);
            roster.Property(r => r.Version).IsConcurrencyToken();
        });

        ConfigureNotifications(model);
    }

    private static void ConfigureNotifications(ModelBuilder model)
    {
        model.Entity<Notifications.Notification>(notification =>
        {
            notification.HasKey(n => n.Id);

            // The open window of a node, which new items join; and the windows due to close.
            notification.HasIndex(n => new { n.NodeCode, n.ClosedAt });
            notification.HasIndex(n => n.DueAt).HasFilter("\"ClosedAt\" IS NULL");
        });

        model.Entity<Notifications.NotificationItem>(item =>
        {
            item.HasKey(i => i.Id);
            item.HasIndex(i => i.EventKey).IsUnique();
            item.HasIndex(i => i.NotificationId);
            item.HasIndex(i => i.AlertId);
            item.HasOne<Notifications.Notification>().WithMany().HasForeignKey(i => i.NotificationId);
        });

        model.Entity<Notifications.NotificationDelivery>(delivery =>
        {
            delivery.HasKey(d => d.Id);
            delivery.Property(d => d.Version).IsConcurrencyToken();
            delivery.HasIndex(d => new { d.NotificationId, d.RecipientKey, d.Channel }).IsUnique();
            delivery.HasIndex(d => d.NextAttemptAt).HasFilter("\"State\" = 'Pending'");
            delivery.HasOne<Notifications.Notification>().WithMany().HasForeignKey(d => d.NotificationId);
        });

        model.Entity<Notifications.NotificationAttempt>(attempt =>
        {
            attempt.HasKey(a => a.Id);
            attempt.HasIndex(a => new { a.DeliveryId, a.At });
            attempt.HasIndex(a => a.At);
            attempt.Property(a => a.Error).HasMaxLength(2000);
            attempt.HasOne<Notifications.NotificationDelivery>().WithMany().HasForeignKey(a => a.DeliveryId);
        });

        model.Entity<Notifications.AcknowledgementToken>(token =>
        {
            token.HasKey(t => t.Id);
            token.Property(t => t.Id).ValueGeneratedNever();
            token.HasIndex(t => t.AlertId);
        });
    }

    /// <summary>
    /// Seals new audit entries into their subjects' trails before they are written, inside the transaction that writes
    /// them (one is started, taking the write lock, when the caller has none), so every path chains alike.
    /// </summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var pending = PendingAuditEntries();
        if (pending.Count == 0)
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }

        if (Database.CurrentTransaction is not null)
        {
            await Audit.AuditChains.SealAsync(this, pending, cancellationToken);
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }

        await using var transaction = await this.BeginWriteTransactionAsync(cancellationToken);
        await Audit.AuditChains.SealAsync(this, pending, cancellationToken);
        var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return saved;
    }

    /// <summary>Sealing reads each trail's head from the store, which the product does asynchronously only.</summary>
    public override int SaveChanges(bool acceptAllChangesOnSuccess) => PendingAuditEntries().Count == 0
        ? base.SaveChanges(acceptAllChangesOnSuccess)
        : throw new InvalidOperationException("Audit entries are saved with SaveChangesAsync, which seals them into their trails.");

    /// <summary>
    /// Audit entries about to be inserted, in the order EF Core inserts them (and so numbers them): rows of one table
    /// by their temporary keys, which grow in the order the rows were added.
    /// </summary>
    private List<AuditEntry> PendingAuditEntries() => ChangeTracker.Entries<AuditEntry>()
        .Where(e => e.State == EntityState.Added)
        .OrderBy(e => e.Property(a => a.Id).CurrentValue)
        .Select(e => e.Entity)
        .ToList();

    private sealed class UnixMillisecondsConverter() : ValueConverter<DateTimeOffset, long>(
        value => value.ToUnixTimeMilliseconds(),
        value => DateTimeOffset.FromUnixTimeMilliseconds(value));

    private sealed class JsonConverter<T>() : ValueConverter<T, string>(
        value => JsonSerializer.Serialize(value, JsonSerializerOptions.Web),
        json => JsonSerializer.Deserialize<T>(json, JsonSerializerOptions.Web)!);

    private sealed class JsonComparer<T>() : ValueComparer<T>(
        (a, b) => JsonSerializer.Serialize(a, JsonSerializerOptions.Web) == JsonSerializer.Serialize(b, JsonSerializerOptions.Web),
        value => JsonSerializer.Serialize(value, JsonSerializerOptions.Web).GetHashCode(StringComparison.Ordinal),
        value => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(value, JsonSerializerOptions.Web), JsonSerializerOptions.Web)!);
}
