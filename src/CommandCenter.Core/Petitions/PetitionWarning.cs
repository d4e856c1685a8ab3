using CommandCenter.Core.Alerts;
using CommandCenter.Core.Hierarchy;

namespace CommandCenter.Core.Petitions;

/// <summary>Stages of a group petition (群体上访): 酝酿 → 聚集 → 在途 → 到达 → 化解.</summary>
public enum PetitionStage
{
    Brewing = 0,
    Gathering = 1,
    Moving = 2,
    Arrived = 3,
    Defused = 4,
}

/// <summary>How closely leaders must watch it: 一般关注, 重点关注, 高度关注.</summary>
public enum AttentionLevel
{
    Normal = 0,
    Elevated = 1,
    High = 2,
}

/// <summary>A group-petition warning (群体上访预警), followed through its stages by follow-up reports (续报).</summary>
public sealed class PetitionWarning
{
    private readonly List<PetitionFollowUp> _followUps = [];

    private PetitionWarning()
    {
        // For EF Core.
        ExternalId = OriginCode = TownCode = Destination = Subject = null!;
    }

    public Guid Id { get; private set; }

    public AlertSource Source { get; private set; }

    public string ExternalId { get; private set; }

    /// <summary>The community or grid the petitioners come from.</summary>
    public string OriginCode { get; private set; }

    public string TownCode { get; private set; }

    public string? CommunityCode { get; private set; }

    public string? GridCode { get; private set; }

    public string Destination { get; private set; }

    public string Subject { get; private set; }

    public int EstimatedHeadcount { get; private set; }

    public AttentionLevel Attention { get; private set; }

    public PetitionStage Stage { get; private set; }

    public DateTimeOffset ReportedAt { get; private set; }

    public DateTimeOffset LastFollowUpAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public string? ReporterName { get; private set; }

    public int PolicyVersion { get; private set; }

    /// <summary>
    /// Set when the follow-up cadence of the current stage ran out (the moment it did), so the warning shows red;
    /// cleared by the next follow-up. Set once per missed cadence: see <see cref="FlagFollowUpOverdue"/>.
    /// </summary>
    public DateTimeOffset? FollowUpOverdueSince { get; private set; }

    public long Version { get; private set; }

    public IReadOnlyList<PetitionFollowUp> FollowUps => _followUps;

    public bool IsActive => Stage != PetitionStage.Defused;

    public static PetitionWarning Open(NewPetitionWarning report, NodePath origin, int policyVersion, Guid id, DateTimeOffset now)
    {
        if (origin.TownCode is null || origin.CommunityCode is null)
        {
            throw new DomainRuleException("A petition warning's origin must be a community or a grid.");
        }

        EnsureHeadcount(report.EstimatedHeadcount);
        return new PetitionWarning
        {
            Id = id,
            Source = report.Source,
            ExternalId = report.ExternalId,
            OriginCode = origin.GridCode ?? origin.CommunityCode,
            TownCode = origin.TownCode,
            CommunityCode = origin.CommunityCode,
            GridCode = origin.GridCode,
            Destination = report.Destination,
            Subject = report.Subject,
            EstimatedHeadcount = report.EstimatedHeadcount,
            Attention = report.Attention,
            Stage = report.Stage,
            ReportedAt = now,
            LastFollowUpAt = now,
            UpdatedAt = now,
            ReporterName = report.Reporter?.Name,
            PolicyVersion = policyVersion,
            Version = 1,
        };
    }

    public NodePath Path(string cityCode) => new(cityCode, TownCode, CommunityCode, GridCode);

    /// <summary>
    /// Records a follow-up report. The stage may only move forward (a petition does not un-gather), or straight to
    /// Defused from any stage; Defused is final.
    /// </summary>
    public PetitionFollowUp AddFollowUp(NewFollowUp followUp, DateTimeOffset now)
    {
        if (!IsActive)
        {
            throw new DomainRuleException($"Petition warning {Id} is already defused; it takes no more follow-ups.");
        }

        var next = followUp.Stage ?? Stage;
        if (next < Stage)
        {
            throw new DomainRuleException($"A petition warning cannot go back from {Stage} to {next}.");
        }

        if (followUp.EstimatedHeadcount is { } headcount)
        {
            EnsureHeadcount(headcount);
            EstimatedHeadcount = headcount;
        }

        if (followUp.Attention is { } attention)
        {
            Attention = attention;
        }

        var entry = new PetitionFollowUp
        {
            PetitionWarningId = Id,
            At = now,
            Text = followUp.Text,
            ReporterName = followUp.Reporter?.Name,
            FromStage = Stage,
            ToStage = next,
            EstimatedHeadcount = EstimatedHeadcount,
        };
        _followUps.Add(entry);
        Stage = next;
        LastFollowUpAt = now;
        FollowUpOverdueSince = null;
        UpdatedAt = now;
        Version++;
        return entry;
    }

    /// <summary>Whether a follow-up is overdue under the policy's cadence for the current stage.</summary>
    public bool IsFollowUpOverdue(IReadOnlyDictionary<PetitionStage, TimeSpan> cadence, DateTimeOffset now) =>
        IsActive && cadence.TryGetValue(Stage, out var every) && now - LastFollowUpAt > every;

    /// <summary>
    /// Flags the warning red when its follow-up is overdue and not flagged yet; <see cref="FollowUpOverdueSince"/> is
    /// when the cadence ran out, not when this noticed it, so a flag raised after downtime tells the truth. Returns
    /// false when there is nothing to do: one flag per missed cadence, however often or late this runs.
    /// </summary>
    public bool FlagFollowUpOverdue(IReadOnlyDictionary<PetitionStage, TimeSpan> cadence, DateTimeOffset now)
    {
        if (FollowUpOverdueSince is not null || !IsFollowUpOverdue(cadence, now))
        {
            return false;
        }

        FollowUpOverdueSince = LastFollowUpAt + cadence[Stage];
        UpdatedAt = now;
        Version++;
        return true;
    }

    private static void EnsureHeadcount(int headcount)
    {
        if (headcount is < 1 or > 100_000)
        {
            throw new DomainRuleException($"An estimated head-count must be between 1 and 100000; got {headcount}.");
        }
    }
}

/// <summary>A follow-up report (续报) on a petition warning.</summary>
public sealed class PetitionFollowUp
{
    public long Id { get; init; }

    public required Guid PetitionWarningId { get; init; }

    public required DateTimeOffset At { get; init; }

    public required string Text { get; init; }

    public string? ReporterName { get; init; }

    public required PetitionStage FromStage { get; init; }

    public required PetitionStage ToStage { get; init; }

    public required int EstimatedHeadcount { get; init; }
}

/// <summary>A new petition warning as it arrives, already parsed.</summary>
public sealed record NewPetitionWarning(
    AlertSource Source,
    string ExternalId,
    string OriginCode,
    string Destination,
    string Subject,
    int EstimatedHeadcount,
    AttentionLevel Attention,
    PetitionStage Stage,
    Person? Reporter = null);

/// <summary>A follow-up as it arrives; null fields leave the warning's value as it is.</summary>
public sealed record NewFollowUp(string Text, PetitionStage? Stage = null, int? EstimatedHeadcount = null, AttentionLevel? Attention = null, Person? Reporter = null);
