using System.Globalization;
using System.Text;
using CommandCenter.Core;
using CommandCenter.Core.Access;
using CommandCenter.Core.Duty;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Administration;
using CommandCenter.Infrastructure.Duty;
using CommandCenter.Web.Access;
using CommandCenter.Web.Api;
using CommandCenter.Web.Components.Admin;
using MiniExcelLibs;

namespace CommandCenter.Web.Duty;

/// <summary>One thing wrong with a duty sheet: its row (the spreadsheet's own number; 0: the file) and why.</summary>
public sealed record DutySheetProblem(int RowNumber, SetupProblem Problem);

/// <summary>What a duty sheet holds: a roster per node, or every problem with its row.</summary>
public sealed record DutySheet(IReadOnlyDictionary<string, DutyRosterDocument> Rosters, IReadOnlyList<DutySheetProblem> Problems);

/// <summary>
/// Duty sheets (值班表导入), XLSX or CSV, as duty offices keep them: one row per person on a shift of a day in the
/// cycle — 节点编码, 轮换起始日, 轮值日, 班次, 开始, 结束, 职责 (值班/带班), 姓名, 电话, 账号. A shift's times are
/// repeated on each of its rows and must agree; the cycle is as long as the highest 轮值日. Every row is checked and
/// every bad one named with its number; a sheet with any problem yields no roster, so nothing is half imported.
/// </summary>
public static class DutySheets
{
    public const long MaxFileBytes = 2 * 1024 * 1024;
    private const string LeaderWord = "带班";

    private static readonly Column[] Columns =
    [
        new("nodeCode", "DutySheet_NodeCode", Required: true),
        new("anchor", "DutySheet_Anchor", Required: false),
        new("day", "DutySheet_Day", Required: true),
        new("shift", "DutySheet_Shift", Required: true),
        new("start", "DutySheet_Start", Required: true),
        new("end", "DutySheet_End", Required: true),
        new("role", "DutySheet_Role", Required: false),
        new("name", "DutySheet_Name", Required: true),
        new("phone", "DutySheet_Phone", Required: false),
        new("userName", "DutySheet_UserName", Required: false),
    ];

    /// <summary>
    /// Reads a sheet into rosters for <paramref name="by"/>: nodes outside their reach are problems of their rows.
    /// A cycle without a start day (轮换起始日) starts on <paramref name="today"/>.
    /// </summary>
    public static DutySheet Read(byte[] content, string fileName, DutyRosterAdministration rosters, ReferenceData reference, Operator by, DateOnly today)
    {
        var format = UserSheets.FormatOf(fileName);
        if (format is null)
        {
            return Failed(0, "DutySheet_WrongType", Path.GetExtension(fileName));
        }

        if (content.Length > MaxFileBytes)
        {
            return Failed(0, "DutySheet_TooLarge", MaxFileBytes / 1024 / 1024);
        }

        List<string?[]> cells;
        try
        {
            cells = format == SheetFormat.Xlsx ? ReadXlsx(content) : UserSheets.CsvCells(content);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A damaged or mislabelled file: what MiniExcel says about it is not the user's to read.
            return Failed(0, "DutySheet_Unreadable", fileName);
        }

        return Parse(cells, rosters, reference, by, today);
    }

    /// <summary>The template: the header and a day-and-night example for <paramref name="nodeCode"/>, valid as it comes.</summary>
    public static byte[] Template(SheetFormat format, string nodeCode, DateOnly anchor)
    {
        var headers = Columns.Select(c => Neutral(c.ResourceKey)).ToArray();
        var day = anchor.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        string?[][] rows =
        [
            [nodeCode, day, "1", Neutral("DutySheet_ExampleDay"), "08:00", "20:00", Neutral("DutySheet_RoleDuty"), Neutral("DutySheet_ExampleName1"), "13800000001", ""],
            [nodeCode, day, "1", Neutral("DutySheet_ExampleDay"), "08:00", "20:00", LeaderWord, Neutral("DutySheet_ExampleName2"), "13900000001", ""],
            [nodeCode, day, "1", Neutral("DutySheet_ExampleNight"), "20:00", "08:00", Neutral("DutySheet_RoleDuty"), Neutral("DutySheet_ExampleName3"), "13800000002", ""],
            [nodeCode, day, "2", Neutral("DutySheet_ExampleDay"), "08:00", "20:00", Neutral("DutySheet_RoleDuty"), Neutral("DutySheet_ExampleName3"), "13800000002", ""],
            [nodeCode, day, "2", Neutral("DutySheet_ExampleNight"), "20:00", "08:00", Neutral("DutySheet_RoleDuty"), Neutral("DutySheet_ExampleName1"), "13800000001", ""],
        ];
        if (format == SheetFormat.Csv)
        {
            var text = new StringBuilder(Csv.Line(headers));
            foreach (var row in rows)
            {
                text.Append(Csv.Line(row));
            }

            return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
        }

        var records = rows.Select(row =>
        {
            var record = new Dictionary<string, object?>();
            for (var i = 0; i < headers.Length; i++)
            {
                record[headers[i]] = row[i];
            }

            return record;
        }).ToList();
        using var stream = new MemoryStream();
        stream.SaveAs(records, excelType: ExcelType.XLSX);
        return stream.ToArray();
    }

    private static DutySheet Parse(List<string?[]> cells, DutyRosterAdministration rosters, ReferenceData reference, Operator by, DateOnly today)
    {
        var headerIndex = cells.FindIndex(r => r.Any(c => !string.IsNullOrWhiteSpace(c)));
        if (headerIndex < 0)
        {
            return Failed(0, "DutySheet_Empty");
        }

        var header = cells[headerIndex];
        var positions = new Dictionary<string, int>();
        for (var i = 0; i < header.Length; i++)
        {
            if (Identify(header[i]) is { } column && !positions.ContainsKey(column.Key))
            {
                positions[column.Key] = i;
            }
        }

        var missing = Columns.Where(c => c.Required && !positions.ContainsKey(c.Key)).Select(c => Neutral(c.ResourceKey)).ToList();
        if (missing.Count > 0)
        {
            return Failed(headerIndex + 1, "DutySheet_MissingColumns", string.Join("、", missing), string.Join("、", Columns.Select(c => Neutral(c.ResourceKey))));
        }

        string? Cell(string?[] row, string key) =>
            positions.TryGetValue(key, out var at) && at < row.Length && !string.IsNullOrWhiteSpace(row[at]) ? row[at]!.Trim() : null;

        var problems = new List<DutySheetProblem>();
        var nodes = new Dictionary<string, NodeRows>(StringComparer.Ordinal);
        for (var i = headerIndex + 1; i < cells.Count; i++)
        {
            var row = cells[i];
            var number = i + 1;
            if (Columns.All(c => Cell(row, c.Key) is null))
            {
                continue;
            }

            void Problem(string key, params object[] args) => problems.Add(new(number, new SetupProblem("", key, args)));

            var nodeCode = Cell(row, "nodeCode");
            NodeRows? node = null;
            if (nodeCode is null)
            {
                Problem("DutySheet_NodeRequired");
            }
            else if (!reference.HasCity || reference.Map.Find(nodeCode) is not { } found)
            {
                Problem("DutySheet_NodeUnknown", nodeCode);
            }
            else if (!rosters.KeepsRoster(nodeCode))
            {
                Problem("DutySheet_NodeKeepsNone", $"{found.Name} ({found.Code})");
            }
            else if (!rosters.CanEdit(by, nodeCode))
            {
                Problem("DutySheet_NodeOutOfReach", $"{found.Name} ({found.Code})");
            }
            else
            {
                node = nodes.TryGetValue(nodeCode, out var known) ? known : nodes[nodeCode] = new NodeRows(number);
            }

            var anchorText = Cell(row, "anchor");
            DateOnly? anchor = null;
            if (anchorText is not null)
            {
                if (!DateOnly.TryParseExact(anchorText, ["yyyy-MM-dd", "yyyy/M/d", "yyyy-M-d", "yyyy.M.d"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
                {
                    Problem("DutySheet_AnchorInvalid", anchorText);
                }
                else if (node?.Anchor is { } earlier && earlier.Day != parsed)
                {
                    Problem("DutySheet_AnchorDiffers", anchorText, earlier.Row, earlier.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                }
                else
                {
                    anchor = parsed;
                }
            }

            var dayText = Cell(row, "day");
            int? day = null;
            if (dayText is null || !int.TryParse(dayText, NumberStyles.None, CultureInfo.InvariantCulture, out var dayNumber) || dayNumber < 1 || dayNumber > DutyRosterAdministration.MaxCycleDays)
            {
                Problem("DutySheet_DayInvalid", dayText ?? "", DutyRosterAdministration.MaxCycleDays);
            }
            else
            {
                day = dayNumber;
            }

            var shiftName = Cell(row, "shift");
            if (shiftName is null)
            {
                Problem("DutySheet_ShiftRequired");
            }

            var start = Time(Cell(row, "start"));
            var end = Time(Cell(row, "end"));
            if (start is null)
            {
                Problem("DutySheet_TimeInvalid", Neutral("DutySheet_Start"), Cell(row, "start") ?? "");
            }

            if (end is null)
            {
                Problem("DutySheet_TimeInvalid", Neutral("DutySheet_End"), Cell(row, "end") ?? "");
            }

            var roleText = Cell(row, "role");
            var isLeader = roleText == LeaderWord || string.Equals(roleText, "leader", StringComparison.OrdinalIgnoreCase);
            if (roleText is not null && !isLeader && roleText != Neutral("DutySheet_RoleDuty") && !string.Equals(roleText, "duty", StringComparison.OrdinalIgnoreCase))
            {
                Problem("DutySheet_RoleInvalid", roleText);
            }

            var name = Cell(row, "name");
            var phone = Cell(row, "phone");
            var userName = Cell(row, "userName");
            if (name is null)
            {
                Problem("DutySheet_NameRequired");
            }
            else if (name.Length > DutyRosterAdministration.NameMaxLength)
            {
                Problem("DutySheet_NameTooLong", name, DutyRosterAdministration.NameMaxLength);
            }

            if (phone is null && userName is null)
            {
                Problem("DutySheet_ContactRequired");
            }
            else if (phone is not null && !Phone(phone))
            {
                Problem("DutySheet_PhoneInvalid", phone);
            }

            if (node is null || shiftName is null || start is null || end is null || day is null || name is null || problems.Any(p => p.RowNumber == number))
            {
                continue;
            }

            if (anchor is { } a && node.Anchor is null)
            {
                node.Anchor = (a, number);
            }

            if (node.Shifts.TryGetValue(shiftName, out var shift))
            {
                if ((shift.Shift.Start, shift.Shift.End) != (start.Value, end.Value))
                {
                    Problem("DutySheet_ShiftTimesDiffer", shiftName, shift.Row, $"{shift.Shift.Start:HH\\:mm}–{shift.Shift.End:HH\\:mm}");
                    continue;
                }
            }
            else
            {
                var defined = new DutyShift(shiftName, start.Value, end.Value);
                var clash = node.Shifts.Values.FirstOrDefault(s => DutyRoster.Problems([s.Shift, defined], new DutyRotation(default, []), []).Count > 0);
                if (clash is not null)
                {
                    Problem("DutySheet_ShiftsOverlap", shiftName, clash.Shift.Name, clash.Row);
                    continue;
                }

                node.Shifts[shiftName] = new ShiftRow(defined, number);
            }

            var crew = node.Crew(day.Value, shiftName);
            var person = new DutyPerson(name, phone, userName);
            if (isLeader)
            {
                if (crew.Leader is { } leader)
                {
                    Problem("DutySheet_SecondLeader", day.Value, shiftName, leader.Row);
                    continue;
                }

                crew.Leader = (person, number);
            }
            else
            {
                crew.OnDuty.Add(person);
            }
        }

        if (problems.Count == 0 && nodes.Count == 0)
        {
            return Failed(headerIndex + 1, "DutySheet_NoRows");
        }

        if (problems.Count > 0)
        {
            return new DutySheet(new Dictionary<string, DutyRosterDocument>(), [.. problems.OrderBy(p => p.RowNumber)]);
        }

        var documents = nodes.ToDictionary(kv => kv.Key, kv => kv.Value.ToDocument(today), StringComparer.Ordinal);

        // What the rows cannot show on their own (a shift with too many people, …) is the administration's to say.
        var rest = documents.SelectMany(kv => DutyRosterAdministration.Check(kv.Value).Select(p => new DutySheetProblem(nodes[kv.Key].FirstRow, p))).ToList();
        return rest.Count > 0 ? new DutySheet(new Dictionary<string, DutyRosterDocument>(), rest) : new DutySheet(documents, []);
    }

    /// <summary>08:00, 8:00, 0800, or the fraction of a day Excel stores for a time cell; 24:00 ends at midnight.</summary>
    private static TimeOnly? Time(string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (text is "24:00" or "2400")
        {
            return TimeOnly.MinValue;
        }

        if (TimeOnly.TryParseExact(text, ["H:mm", "HH:mm", "HHmm", "H:mm:ss", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return time;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var fraction) && fraction is >= 0 and < 1
            ? TimeOnly.FromTimeSpan(TimeSpan.FromMinutes(Math.Round(fraction * 24 * 60)))
            : null;
    }

    private static bool Phone(string text) =>
        text.Length is >= 5 and <= 20 && text.All(c => char.IsAsciiDigit(c) || c is ' ' or '-' or '+') && char.IsAsciiDigit(text[^1]) && text.LastIndexOf('+') <= 0;

    /// <summary>Cells as text; a time typed into Excel comes back as the time, a date as the date.</summary>
    private static List<string?[]> ReadXlsx(byte[] content)
    {
        using var stream = new MemoryStream(content, writable: false);
        var rows = new List<string?[]>();
        foreach (IDictionary<string, object?> row in stream.Query(useHeaderRow: false, excelType: ExcelType.XLSX))
        {
            rows.Add([.. row.Values.Select(value => value switch
            {
                null => null,
                string text => text,
                DateTime { Year: < 1901 } time => time.ToString("HH:mm", CultureInfo.InvariantCulture), // a time without a date: Excel counts from 1899-12-30
                DateTime day => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                TimeSpan span => TimeOnly.FromTimeSpan(span).ToString("HH:mm", CultureInfo.InvariantCulture),
                double number when number == Math.Floor(number) && Math.Abs(number) < 1e15 => ((long)number).ToString(CultureInfo.InvariantCulture),
                IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString(),
            })]);
        }

        return rows;
    }

    private static Column? Identify(string? header)
    {
        var text = header?.Trim().TrimEnd('*', '＊').Trim();
        return string.IsNullOrEmpty(text)
            ? null
            : Columns.FirstOrDefault(c =>
                string.Equals(text, c.Key, StringComparison.OrdinalIgnoreCase)
                || string.Equals(text, Neutral(c.ResourceKey), StringComparison.OrdinalIgnoreCase)
                || string.Equals(text, SetupTexts.Text(new SetupProblem("", c.ResourceKey), SetupTexts.English), StringComparison.OrdinalIgnoreCase));
    }

    private static string Neutral(string key) => SetupTexts.Text(new SetupProblem("", key), CultureInfo.InvariantCulture);

    private static DutySheet Failed(int row, string key, params object[] args) =>
        new(new Dictionary<string, DutyRosterDocument>(), [new DutySheetProblem(row, new SetupProblem("", key, args))]);

    private sealed record Column(string Key, string ResourceKey, bool Required);

    private sealed record ShiftRow(DutyShift Shift, int Row);

    private sealed class CrewRows
    {
        public List<DutyPerson> OnDuty { get; } = [];

        public (DutyPerson Person, int Row)? Leader { get; set; }
    }

    /// <summary>What the rows of one node add up to so far, with the row each part was first given on.</summary>
    private sealed class NodeRows(int firstRow)
    {
        private readonly Dictionary<(int Day, string Shift), CrewRows> _crews = [];

        public int FirstRow { get; } = firstRow;

        public (DateOnly Day, int Row)? Anchor { get; set; }

        public Dictionary<string, ShiftRow> Shifts { get; } = new(StringComparer.Ordinal);

        public CrewRows Crew(int day, string shift) =>
            _crews.TryGetValue((day, shift), out var crew) ? crew : _crews[(day, shift)] = new CrewRows();

        public DutyRosterDocument ToDocument(DateOnly today)
        {
            var length = _crews.Keys.Max(k => k.Day);
            var days = Enumerable.Range(1, length).Select(day => (IReadOnlyDictionary<string, DutyCrew>)_crews
                .Where(kv => kv.Key.Day == day)
                .ToDictionary(kv => kv.Key.Shift, kv => new DutyCrew([.. kv.Value.OnDuty], kv.Value.Leader?.Person), StringComparer.Ordinal)).ToList();
            return new DutyRosterDocument([.. Shifts.Values.OrderBy(s => s.Row).Select(s => s.Shift)], new DutyRotation(Anchor?.Day ?? today, days), []);
        }
    }
}
