using System.Text.Json;
using CommandCenter.Core.Duty;

namespace CommandCenter.Infrastructure.Duty;

/// <summary>One node's duty roster as stored: the whole roster as one JSON document, replaced as a whole on each edit.</summary>
public sealed class DutyRosterRecord
{
    public required string NodeCode { get; init; }

    /// <summary>The roster as JSON (<see cref="DutyRosterDocument"/>).</summary>
    public required string Document { get; set; }

    /// <summary>Bumped on each edit: two people editing one roster cannot overwrite each other unseen.</summary>
    public long Version { get; set; }

    public required DateTimeOffset UpdatedAt { get; set; }

    public required string UpdatedBy { get; set; }

    public DutyRoster ToRoster() => DutyRosterDocument.Parse(Document).ToRoster(NodeCode);
}

/// <summary>The stored and exported shape of a roster: its shifts, its rotation and its swaps.</summary>
public sealed record DutyRosterDocument(IReadOnlyList<DutyShift> Shifts, DutyRotation Rotation, IReadOnlyList<DutySwap> Swaps)
{
    public static DutyRosterDocument Of(DutyRoster roster) => new(roster.Shifts, roster.Rotation, roster.Swaps);

    public static DutyRosterDocument Parse(string json) =>
        JsonSerializer.Deserialize<DutyRosterDocument>(json, JsonSerializerOptions.Web)
        ?? throw new JsonException("A duty roster document is empty.");

    public DutyRoster ToRoster(string nodeCode) => new(nodeCode, Shifts, Rotation, Swaps);

    /// <summary>Whether the roster defines a shift called <paramref name="shift"/>.</summary>
    public bool Names(string shift) => Shifts.Any(s => s.Name == shift);

    public string ToJson() => JsonSerializer.Serialize(this, JsonSerializerOptions.Web);
}
