using System.Globalization;
using CommandCenter.Core.Duty;
using CommandCenter.Infrastructure.Administration;
using CommandCenter.Infrastructure.Duty;

namespace CommandCenter.Web.Duty;

/// <summary>
/// A roster as the page edits it: texts, loose, so every mistake can be named before the domain is asked. People are
/// written "姓名 电话 账号" (phone and account optional, in either order), several separated by 、 , ; or a new line.
/// </summary>
public sealed class DutyRosterForm
{
    private static readonly char[] PeopleSeparators = ['、', ',', '，', ';', '；', '\n'];

    public List<ShiftLine> Shifts { get; } = [];

    public string Anchor { get; set; } = "";

    /// <summary>Crews by cycle day, then by the shift's position in <see cref="Shifts"/> (names may change while editing).</summary>
    public List<List<CrewLine>> Days { get; } = [];

    public int CycleDays
    {
        get => Days.Count;
        set
        {
            var days = Math.Clamp(value, 1, DutyRosterAdministration.MaxCycleDays);
            while (Days.Count < days)
            {
                Days.Add([.. Shifts.Select(_ => new CrewLine())]);
            }

            if (Days.Count > days)
            {
                Days.RemoveRange(days, Days.Count - days);
            }
        }
    }

    public static DutyRosterForm Empty(DateOnly today)
    {
        var form = new DutyRosterForm { Anchor = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) };
        form.Shifts.Add(new ShiftLine { Name = "白班", Start = "08:00", End = "20:00" });
        form.Shifts.Add(new ShiftLine { Name = "夜班", Start = "20:00", End = "08:00" });
        form.CycleDays = 1;
        return form;
    }

    public static DutyRosterForm From(DutyRosterDocument document)
    {
        var form = new DutyRosterForm { Anchor = document.Rotation.Anchor.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) };
        form.Shifts.AddRange(document.Shifts.Select(s => new ShiftLine { Name = s.Name, Start = Hhmm(s.Start), End = Hhmm(s.End) }));
        foreach (var day in document.Rotation.Days)
        {
            form.Days.Add([.. document.Shifts.Select(s => day.TryGetValue(s.Name, out var crew)
                ? new CrewLine { OnDuty = string.Join("、", crew.OnDuty.Select(Write)), Leader = crew.Leader is { } leader ? Write(leader) : "" }
                : new CrewLine())]);
        }

        if (form.Days.Count == 0)
        {
            form.CycleDays = 1;
        }

        return form;
    }

    public void AddShift()
    {
        Shifts.Add(new ShiftLine());
        foreach (var day in Days)
        {
            day.Add(new CrewLine());
        }
    }

    public void RemoveShift(int index)
    {
        Shifts.RemoveAt(index);
        foreach (var day in Days)
        {
            day.RemoveAt(index);
        }
    }

    /// <summary>The roster the form describes, or what in its texts cannot be read (times, dates).</summary>
    public (DutyRosterDocument? Document, IReadOnlyList<SetupProblem> Problems) ToDocument(IReadOnlyList<DutySwap> swaps)
    {
        var problems = new List<SetupProblem>();
        if (!DateOnly.TryParseExact(Anchor.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var anchor))
        {
            problems.Add(new("anchor", "Problem_Duty_AnchorInvalid", Anchor));
        }

        var shifts = new List<DutyShift>();
        for (var i = 0; i < Shifts.Count; i++)
        {
            var line = Shifts[i];
            var start = Time(line.Start);
            var end = Time(line.End);
            if (start is null || end is null)
            {
                problems.Add(new($"shifts[{i}].time", "Problem_Duty_TimeInvalid", line.Name.Trim(), start is null ? line.Start : line.End));
                continue;
            }

            shifts.Add(new DutyShift(line.Name.Trim(), start.Value, end.Value));
        }

        if (problems.Count > 0)
        {
            return (null, problems);
        }

        var days = Days.Select(day => (IReadOnlyDictionary<string, DutyCrew>)day
            .Select((crew, i) => (Shift: shifts[i].Name, Crew: new DutyCrew(People(crew.OnDuty), People(crew.Leader).FirstOrDefault())))
            .Where(x => x.Crew.OnDuty.Count > 0 || x.Crew.Leader is not null)
            .GroupBy(x => x.Shift, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Crew, StringComparer.Ordinal)).ToList();
        return (new DutyRosterDocument(shifts, new DutyRotation(anchor, days), swaps), []);
    }

    /// <summary>"张伟 13800000001 zhangwei、李娜 13800000002": a name, then a phone (digits) and an account in either order.</summary>
    public static IReadOnlyList<DutyPerson> People(string? text) =>
        [.. (text ?? "").Split(PeopleSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Person)];

    public static DutyPerson Person(string text)
    {
        var parts = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var phone = parts.Skip(1).FirstOrDefault(p => p.All(c => char.IsAsciiDigit(c) || c is '-' or '+'));
        var account = parts.Skip(1).FirstOrDefault(p => p != phone);
        return new DutyPerson(parts.Length > 0 ? parts[0] : "", phone, account);
    }

    public static string Write(DutyPerson person) => string.Join(" ", new[] { person.Name, person.Phone, person.UserName }.Where(p => !string.IsNullOrEmpty(p)));

    public static string Hhmm(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);

    private static TimeOnly? Time(string? text) =>
        TimeOnly.TryParseExact(text?.Trim(), ["H:mm", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? time : null;

    public sealed class ShiftLine
    {
        public string Name { get; set; } = "";

        public string Start { get; set; } = "";

        public string End { get; set; } = "";
    }

    public sealed class CrewLine
    {
        public string OnDuty { get; set; } = "";

        public string Leader { get; set; } = "";
    }
}
