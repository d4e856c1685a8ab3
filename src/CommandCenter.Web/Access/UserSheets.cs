using System.Globalization;
using System.Text;
using CommandCenter.Web.Api;
using Microsoft.Extensions.Localization;
using MiniExcelLibs;

namespace CommandCenter.Web.Access;

public enum SheetFormat
{
    Xlsx,
    Csv,
}

/// <summary>The rows of an import sheet, or why the file itself cannot be read (row 0: the file; row 1: its header).</summary>
public sealed record UserSheet(IReadOnlyList<ImportRow> Rows, IReadOnlyList<ImportProblem> Problems);

/// <summary>
/// Import sheets of users (XLSX or CSV): one header row naming the columns, in Chinese as the template writes them
/// (用户名, 姓名, 角色, 节点编码, optionally 初始密码) or in English. Row numbers are the spreadsheet's own, header
/// = row 1, blank rows counted, so a problem can be found in the file by its number.
/// </summary>
public static class UserSheets
{
    public const long MaxFileBytes = 2 * 1024 * 1024;

    private static readonly Column[] Columns =
    [
        new("userName", "Sheet_UserName", Required: true),
        new("displayName", "Sheet_DisplayName", Required: true),
        new("role", "Sheet_Role", Required: true),
        new("nodeCode", "Sheet_NodeCode", Required: true),
        new("password", "Sheet_Password", Required: false),
    ];

    public static SheetFormat? FormatOf(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".xlsx" => SheetFormat.Xlsx,
        ".csv" => SheetFormat.Csv,
        _ => null,
    };

    /// <summary>Reads an uploaded sheet; never throws on what the file contains.</summary>
    public static UserSheet Read(byte[] content, string fileName, IStringLocalizer<AdminText> t)
    {
        var format = FormatOf(fileName);
        if (format is null)
        {
            return Failed(0, t["Sheet_WrongType", Path.GetExtension(fileName)]);
        }

        if (content.Length > MaxFileBytes)
        {
            return Failed(0, t["Sheet_TooLarge", MaxFileBytes / 1024 / 1024]);
        }

        List<string?[]> cells;
        try
        {
            cells = format == SheetFormat.Xlsx ? ReadXlsx(content) : ReadCsv(Decode(content));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A damaged or mislabelled file: MiniExcel's exceptions vary by what is wrong, none of it the user's to read.
            return Failed(0, t["Sheet_Unreadable", fileName]);
        }

        return Rows(cells, t);
    }

    /// <summary>The records of a CSV file as its cells (encoding detected as for users), for the other sheets the app reads.</summary>
    internal static List<string?[]> CsvCells(byte[] content) => ReadCsv(Decode(content));

    /// <summary>An empty sheet with the header row and one example row, bound to <paramref name="exampleNodeCode"/>.</summary>
    public static byte[] Template(SheetFormat format, string exampleNodeCode)
    {
        var headers = Columns.Select(c => AdminTexts.Neutral(c.ResourceKey)).ToArray();
        string[] example = ["zhangsan", AdminTexts.Neutral("Sheet_ExampleName"), AdminTexts.Neutral(RoleNames.Key(Core.Access.Role.Staff)), exampleNodeCode, ""];
        if (format == SheetFormat.Csv)
        {
            return Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Csv.Line(headers) + Csv.Line(example))).ToArray();
        }

        var row = new Dictionary<string, object?>();
        for (var i = 0; i < headers.Length; i++)
        {
            row[headers[i]] = example[i];
        }

        using var stream = new MemoryStream();
        stream.SaveAs(new[] { row }, excelType: ExcelType.XLSX);
        return stream.ToArray();
    }

    /// <summary>The one-time passwords an import generated, as a CSV the administrator keeps (UTF-8 with BOM, for Excel).</summary>
    public static byte[] PasswordsCsv(IEnumerable<ImportedUser> created, IStringLocalizer<AdminText> t)
    {
        var text = new StringBuilder(Csv.Line(t["Import_Col_Row"].Value, t["Import_Col_UserName"].Value, t["Import_Col_DisplayName"].Value, t["Import_Col_Password"].Value));
        foreach (var user in created.Where(u => u.OneTimePassword is not null))
        {
            text.Append(Csv.Line(user.RowNumber, user.UserName, user.DisplayName, user.OneTimePassword));
        }

        return Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text.ToString())).ToArray();
    }

    private static UserSheet Rows(List<string?[]> cells, IStringLocalizer<AdminText> t)
    {
        var headerIndex = cells.FindIndex(r => r.Any(c => !string.IsNullOrWhiteSpace(c)));
        if (headerIndex < 0)
        {
            return Failed(0, t["Err_ImportEmpty"]);
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

        var missing = Columns.Where(c => c.Required && !positions.ContainsKey(c.Key)).Select(c => AdminTexts.Neutral(c.ResourceKey)).ToList();
        if (missing.Count > 0)
        {
            return Failed(headerIndex + 1, t["Sheet_MissingColumns", string.Join("、", missing), string.Join("、", Columns.Select(c => AdminTexts.Neutral(c.ResourceKey)))]);
        }

        string? Cell(string?[] row, string key) =>
            positions.TryGetValue(key, out var at) && at < row.Length && !string.IsNullOrWhiteSpace(row[at]) ? row[at]!.Trim() : null;

        var rows = new List<ImportRow>();
        for (var i = headerIndex + 1; i < cells.Count; i++)
        {
            var row = cells[i];
            if (Columns.All(c => Cell(row, c.Key) is null))
            {
                continue;
            }

            // Passwords keep their spaces: a space may be part of one. Every other field is trimmed.
            var password = positions.TryGetValue("password", out var at) && at < row.Length && !string.IsNullOrEmpty(row[at]) ? row[at] : null;
            rows.Add(new ImportRow(i + 1, Cell(row, "userName"), Cell(row, "displayName"), Cell(row, "role"), Cell(row, "nodeCode"), password));
        }

        return new UserSheet(rows, []);
    }

    private static Column? Identify(string? header)
    {
        var text = header?.Trim().TrimEnd('*', '＊').Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return Columns.FirstOrDefault(c =>
            string.Equals(text, c.Key, StringComparison.OrdinalIgnoreCase)
            || string.Equals(text, AdminTexts.Neutral(c.ResourceKey), StringComparison.OrdinalIgnoreCase)
            || string.Equals(text, AdminTexts.Get(c.ResourceKey, CultureInfo.GetCultureInfo("en")), StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>MiniExcel fills the rows a sheet skips with empty ones, so the index is the row number less one.</summary>
    private static List<string?[]> ReadXlsx(byte[] content)
    {
        using var stream = new MemoryStream(content, writable: false);
        var rows = new List<string?[]>();
        foreach (IDictionary<string, object?> row in stream.Query(useHeaderRow: false, excelType: ExcelType.XLSX))
        {
            rows.Add([.. row.Values.Select(Text)]);
        }

        return rows;
    }

    /// <summary>A cell as text: numbers typed into a code or password column come back as the digits typed.</summary>
    private static string? Text(object? value) => value switch
    {
        null => null,
        string text => text,
        double number when number == Math.Floor(number) && Math.Abs(number) < 1e15 => ((long)number).ToString(CultureInfo.InvariantCulture),
        DateTime day => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    /// <summary>
    /// UTF-8 (with or without BOM) or UTF-16 with BOM; anything that is not valid UTF-8 is read as GB18030, which is
    /// what Excel on a Chinese Windows writes when told "CSV" rather than "CSV UTF-8".
    /// </summary>
    private static string Decode(byte[] content)
    {
        if (content.AsSpan().StartsWith(Encoding.UTF8.GetPreamble()))
        {
            return Encoding.UTF8.GetString(content, 3, content.Length - 3);
        }

        if (content.Length >= 2 && (content[0], content[1]) is (0xFF, 0xFE) or (0xFE, 0xFF))
        {
            return new StreamReader(new MemoryStream(content), detectEncodingFromByteOrderMarks: true).ReadToEnd();
        }

        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(content);
        }
        catch (DecoderFallbackException)
        {
            Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
            return Encoding.GetEncoding("GB18030").GetString(content);
        }
    }

    /// <summary>
    /// RFC 4180 records: quoted fields may hold commas, quotes ("") and line breaks. Every record counts, blank ones
    /// included, so record n is row n as a spreadsheet shows the file.
    /// </summary>
    private static List<string?[]> ReadCsv(string text)
    {
        var records = new List<string?[]>();
        var fields = new List<string?>();
        var field = new StringBuilder();
        var quoted = false;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i += 2;
                    continue;
                }

                if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }

                i++;
                continue;
            }

            switch (c)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r' or '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    records.Add([.. fields]);
                    fields.Clear();
                    if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                    {
                        i++;
                    }

                    break;
                default:
                    field.Append(c);
                    break;
            }

            i++;
        }

        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            records.Add([.. fields]);
        }

        return records;
    }

    private static UserSheet Failed(int row, string message) => new([], [new ImportProblem(row, message)]);

    private sealed record Column(string Key, string ResourceKey, bool Required);
}
