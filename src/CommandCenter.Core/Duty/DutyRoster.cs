namespace CommandCenter.Core.Duty;

/// <summary>Someone on duty: a user account, or a name and phone for people who have none (a village's duty phone).</summary>
public sealed record DutyPerson(string Name, string? Phone, string? UserName = null);

/// <summary>
/// A shift of the day in city time (值班班次). One that ends at or before its start runs past midnight and belongs to
/// the day it starts on: the night shift of 4 December runs from 20:00 on the 4th to 08:00 on the 5th.
/// </summary>
public sealed record DutyShift(string Name, TimeOnly Start, TimeOnly End)
{
    public bool CrossesMidnight => End <= Start;

    /// <summary>The shift's span on <paramref name="day"/> (a city date), as instants.</summary>
    public (DateTimeOffset From, DateTimeOffset To) On(DateOnly day)
    {
        var from = new DateTimeOffset(day.ToDateTime(Start), CityClock.Offset);
        var to = new DateTimeOffset((CrossesMidnight ? day.AddDays(1) : day).ToDateTime(End), CityClock.Offset);
        return (from, to);
    }
}

/// <summary>Who holds one shift: the people on duty (值班人员) and the leader on call (带班领导), if any.</summary>
public sealed record DutyCrew(IReadOnlyList<DutyPerson> OnDuty, DutyPerson? Leader)
{
    public static readonly DutyCrew Nobody = new([], null);
}

/// <summary>
/// The recurring pattern: a cycle of days from <paramref name="Anchor"/> (day 0), each day naming the crew of each
/// shift by the shift's name; the cycle repeats forwards and backwards. A shift a day does not name has nobody.
/// </summary>
public sealed record DutyRotation(DateOnly Anchor, IReadOnlyList<IReadOnlyDictionary<string, DutyCrew>> Days)
{
    public DutyCrew CrewFor(DateOnly day, string shift)
    {
        if (Days.Count == 0)
        {
            return DutyCrew.Nobody;
        }

        var index = ((day.DayNumber - Anchor.DayNumber) % Days.Count + Days.Count) % Days.Count;
        return Days[index].TryGetValue(shift, out var crew) ? crew : DutyCrew.Nobody;
    }
}

/// <summary>
/// A one-off change to one shift on one day (换班/替班): <paramref name="Replaced"/> (by name) is off and
/// <paramref name="By"/> stands in, as a person on duty or as the leader, whichever the replaced one was; with no
/// one replaced, <paramref name="By"/> is added to those on duty.
/// </summary>
public sealed record DutySwap(DateOnly Day, string Shift, string? Replaced, DutyPerson By);

/// <summary>The shift being worked at an instant and who works it.</summary>
public sealed record DutyWatch(string NodeCode, DutyShift Shift, DateOnly Day, DateTimeOffset From, DateTimeOffset To, DutyCrew Crew)
{
    /// <summary>A shift that nobody holds is itself a warning on the wall.</summary>
    public bool IsUnmanned => Crew.OnDuty.Count == 0;
}

/// <summary>
/// One node's duty roster (值班表): its shifts, the rotation that fills them and the swaps on particular days. Who is
/// on duty at an instant is read in city time, so the city's midnight, not UTC's, divides the days.
/// </summary>
public sealed class DutyRoster
{
    public DutyRoster(string nodeCode, IReadOnlyList<DutyShift> shifts, DutyRotation rotation, IReadOnlyList<DutySwap>? swaps = null)
    {
        if (Problems(shifts, rotation, swaps ?? []) is [var first, ..])
        {
            throw new DomainRuleException(first);
        }

        NodeCode = nodeCode;
        Shifts = shifts;
        Rotation = rotation;
        Swaps = swaps ?? [];
    }

    public string NodeCode { get; }

    public IReadOnlyList<DutyShift> Shifts { get; }

    public DutyRotation Rotation { get; }

    public IReadOnlyList<DutySwap> Swaps { get; }

    /// <summary>
    /// The watch at <paramref name="instant"/>: its shift, the day it belongs to and its crew with that day's swaps;
    /// null when no shift covers the instant (a gap in the roster: nobody on duty).
    /// </summary>
    public DutyWatch? At(DateTimeOffset instant)
    {
        var today = DateOnly.FromDateTime(CityClock.Local(instant).DateTime);

        // Yesterday first: at 02:00 the night shift that began yesterday is the one being worked.
        foreach (var day in (ReadOnlySpan<DateOnly>)[today.AddDays(-1), today])
        {
            foreach (var shift in Shifts)
            {
                var (from, to) = shift.On(day);
                if (from <= instant && instant < to)
                {
                    return new DutyWatch(NodeCode, shift, day, from, to, CrewOn(day, shift.Name));
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The first instant after <paramref name="instant"/> at which a shift starts or ends: when a screen showing who
    /// is on duty must look again. Null only for a roster without shifts, which the constructor refuses.
    /// </summary>
    public DateTimeOffset? NextChangeAfter(DateTimeOffset instant)
    {
        var today = DateOnly.FromDateTime(CityClock.Local(instant).DateTime);
        DateTimeOffset? next = null;
        foreach (var day in (ReadOnlySpan<DateOnly>)[today.AddDays(-1), today, today.AddDays(1)])
        {
            foreach (var shift in Shifts)
            {
                var (from, to) = shift.On(day);
                foreach (var edge in (ReadOnlySpan<DateTimeOffset>)[from, to])
                {
                    if (edge > instant && (next is null || edge < next))
                    {
                        next = edge;
                    }
                }
            }
        }

        return next;
    }

    /// <summary>The crew of <paramref name="shift"/> on <paramref name="day"/>: the rotation's, with that day's swaps applied in order.</summary>
    public DutyCrew CrewOn(DateOnly day, string shift)
    {
        var crew = Rotation.CrewFor(day, shift);
        foreach (var swap in Swaps.Where(s => s.Day == day && s.Shift == shift))
        {
            crew = swap.Replaced is null
                ? crew with { OnDuty = [.. crew.OnDuty, swap.By] }
                : crew.Leader?.Name == swap.Replaced
                    ? crew with { Leader = swap.By }
                    : crew with { OnDuty = [.. crew.OnDuty.Select(p => p.Name == swap.Replaced ? swap.By : p)] };
        }

        return crew;
    }

    /// <summary>What makes a roster unusable, each problem in one sentence; empty when it is fine.</summary>
    public static IReadOnlyList<string> Problems(IReadOnlyList<DutyShift> shifts, DutyRotation rotation, IReadOnlyList<DutySwap> swaps)
    {
        var problems = new List<string>();
        if (shifts.Count == 0)
        {
            problems.Add("A roster needs at least one shift.");
        }

        foreach (var name in shifts.GroupBy(s => s.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key))
        {
            problems.Add($"Shift '{name}' is defined twice.");
        }

        foreach (var shift in shifts.Where(s => string.IsNullOrWhiteSpace(s.Name)))
        {
            problems.Add($"The shift from {shift.Start:HH\\:mm} to {shift.End:HH\\:mm} has no name.");
        }

        // Two shifts holding the same minute would make "who is on duty" ambiguous; test a day and the next against each other.
        var day = new DateOnly(2000, 1, 3);
        for (var i = 0; i < shifts.Count; i++)
        {
            for (var j = i + 1; j < shifts.Count; j++)
            {
                if (Overlap(shifts[i], shifts[j], day))
                {
                    problems.Add($"Shifts '{shifts[i].Name}' and '{shifts[j].Name}' overlap.");
                }
            }
        }

        var names = shifts.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var unknown in rotation.Days.SelectMany(d => d.Keys).Concat(swaps.Select(s => s.Shift)).Where(n => !names.Contains(n)).Distinct())
        {
            problems.Add($"Shift '{unknown}' is used but not defined.");
        }

        return problems;
    }

    private static bool Overlap(DutyShift a, DutyShift b, DateOnly day)
    {
        foreach (var (dayA, dayB) in (ReadOnlySpan<(DateOnly, DateOnly)>)[(day, day), (day, day.AddDays(1)), (day.AddDays(1), day)])
        {
            var (fromA, toA) = a.On(dayA);
            var (fromB, toB) = b.On(dayB);
            if (fromA < toB && fromB < toA)
            {
                return true;
            }
        }

        return false;
    }
}
