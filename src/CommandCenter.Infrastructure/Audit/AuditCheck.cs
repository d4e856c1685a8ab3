namespace CommandCenter.Infrastructure.Audit;

/// <summary>What an <see cref="AuditCheck"/> records.</summary>
public enum AuditCheckKind
{
    /// <summary>The whole trail verified (<see cref="AuditTrailVerifier"/>).</summary>
    Verification,

    /// <summary>The one-time sealing of the entries written before the trail was chained (<see cref="AuditSealing"/>).</summary>
    Sealing,
}

/// <summary>How a check was started.</summary>
public enum AuditCheckVia
{
    CommandLine,
    Page,
    StartUp,
}

/// <summary>
/// One run over the audit trail, kept in the store so the administrators' page shows a run of the command line too.
/// Only ever added; the latest of each kind is what is shown.
/// </summary>
public sealed class AuditCheck
{
    public long Id { get; init; }

    public required AuditCheckKind Kind { get; init; }

    public required AuditCheckVia Via { get; init; }

    /// <summary>Who started it: an administrator's user name, or "command-line" / "start-up".</summary>
    public required string By { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset FinishedAt { get; init; }

    /// <summary>Entries checked (a verification) or sealed (the sealing).</summary>
    public required long Entries { get; init; }

    /// <summary>Subjects' trails checked.</summary>
    public long Trails { get; init; }

    /// <summary>How many entries or alerts did not match; 0 when the trail is intact.</summary>
    public long Problems { get; init; }

    /// <summary>The first entry (lowest id) whose content or link does not match, or that ends a trail too early.</summary>
    public long? FirstBrokenEntryId { get; init; }

    /// <summary>What is wrong with the first problem, in one line.</summary>
    public string? Problem { get; init; }

    /// <summary>The sealing's last entry: every entry up to it was written before the trail was chained.</summary>
    public long? LastEntryId { get; init; }

    public bool Intact => Problems == 0;
}
