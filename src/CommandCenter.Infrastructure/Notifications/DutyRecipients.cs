using CommandCenter.Core.Duty;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Notifications;

namespace CommandCenter.Infrastructure.Notifications;

/// <summary>Who answered for a node at an instant: the node whose watch was found and the people told.</summary>
public sealed record DutyAnswer(string NodeCode, IReadOnlyList<NotificationRecipient> Recipients);

/// <summary>
/// Recipients from the duty rosters. A node with no roster, no shift at that instant or an unmanned shift falls back
/// to its parent, and so on up to the city: a notification must reach somebody, and the rung above is who would be
/// called by hand. Only when nobody up to the city is on duty is the list empty (group channels still post).
/// </summary>
public sealed class DutyRecipients(IDutyDirectory directory, ReferenceData reference)
{
    /// <summary>The lowest of <paramref name="candidates"/> that keeps a roster; the last one (the highest) when none does.</summary>
    public async Task<string> HolderAsync(IReadOnlyList<string> candidates, IDictionary<string, bool> keepsRoster, CancellationToken ct)
    {
        foreach (var code in candidates)
        {
            if (!keepsRoster.TryGetValue(code, out var keeps))
            {
                keepsRoster[code] = keeps = await directory.RosterOfAsync(code, ct) is not null;
            }

            if (keeps)
            {
                return code;
            }
        }

        return candidates[^1];
    }

    /// <summary>
    /// The people on duty at <paramref name="nodeCode"/> at <paramref name="at"/> (and its leader on call when
    /// <paramref name="withLeader"/>), or at the first node above with somebody on duty.
    /// </summary>
    public async Task<DutyAnswer> OnDutyAsync(string nodeCode, DateTimeOffset at, bool withLeader, CancellationToken ct)
    {
        foreach (var code in Upwards(nodeCode))
        {
            if (await directory.OnDutyAsync(code, at, ct) is { IsUnmanned: false } watch)
            {
                var people = watch.Crew.OnDuty.Select(p => new NotificationRecipient(p.Name, p.Phone, p.UserName, IsLeader: false));
                if (withLeader && watch.Crew.Leader is { } leader)
                {
                    people = people.Append(new NotificationRecipient(leader.Name, leader.Phone, leader.UserName, IsLeader: true));
                }

                // One person listed twice (on duty and leading) is told once.
                return new DutyAnswer(code, [.. people.DistinctBy(p => p.Key)]);
            }
        }

        return new DutyAnswer(nodeCode, []);
    }

    /// <summary>The node and its ancestors, bottom up. A node a re-division retired answers through the city.</summary>
    public IReadOnlyList<string> Upwards(string nodeCode)
    {
        var map = reference.Map;
        return map.Contains(nodeCode)
            ? NotificationRouting.Upwards(map.PathOf(nodeCode))
            : [nodeCode, map.City.Code];
    }

    /// <summary>The node one rung up (the city stays the city).</summary>
    public string Parent(string nodeCode) => Upwards(nodeCode) is [_, var parent, ..] ? parent : nodeCode;

    public string NameOf(string nodeCode) => reference.Map.Find(nodeCode)?.Name ?? nodeCode;

    public NodeLevel LevelOf(string nodeCode) => reference.Map.Find(nodeCode)?.Level ?? NodeLevel.Grid;
}
