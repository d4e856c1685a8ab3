namespace CommandCenter.Infrastructure.Seeding;

// The shapes of the files in seeds/. Kept apart from the domain so a seed's format can change without touching it.

internal sealed record TeamsSeed(List<SeedTeam> Teams);

internal sealed record SeedTeam(string Code, string Name, string Type, string Level, string NodeCode, double[]? Position, List<SeedMember> Members);

internal sealed record SeedMember(string Name, string Role, string? Phone);

internal sealed record CategoriesSeed(List<SeedCategory> Categories);

internal sealed record SeedCategory(string Code, string Name, List<SeedCategory>? Children);

internal sealed record PoliciesSeed(SeedPolicy EscalationPolicy);

internal sealed record SeedPolicy(
    int Version,
    string Name,
    DateTimeOffset EffectiveFrom,
    List<string> Ladder,
    Dictionary<string, int> LateReportLimitMinutes,
    List<SeedDeadline> Deadlines,
    SeedPetitionPolicy Petition,
    SeedNotificationPolicy? Notifications = null);

internal sealed record SeedDeadline(string Category, string Severity, int AcknowledgeMinutes, int DispatchMinutes, int HandleMinutes, int VerifyMinutes);

internal sealed record SeedPetitionPolicy(Dictionary<string, int> FollowUpCadenceMinutes);

/// <summary>The policy's notifications section; a field left out takes <c>NotificationPolicy.Default</c>'s value.</summary>
internal sealed record SeedNotificationPolicy(
    bool? AlertRaised = null,
    string? MinimumSeverity = null,
    bool? Escalated = null,
    bool? PetitionWarning = null,
    bool? LateReportCharged = null,
    bool? SilentGrid = null,
    int? SilentGridAfterMinutes = null,
    bool? Reminders = null,
    int? RemindAfterMinutes = null,
    int? NextRungAfterMinutes = null);
