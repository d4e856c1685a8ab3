using System.Text;

namespace CommandCenter.Web.Api;

/// <summary>
/// RFC 4180 CSV for leaders' exports, opened in Excel: UTF-8 with a byte-order mark (so Chinese shows), CRLF line
/// ends, fields quoted when they hold a comma, quote or line break. Text that a spreadsheet would run as a formula
/// (starting with =, +, -, @, tab or CR — alert titles come from the public) is prefixed with an apostrophe.
/// </summary>
public static class Csv
{
    public static string Line(params IEnumerable<object?> fields) =>
        string.Join(',', fields.Select(Field)) + "\r\n";

    public static string Field(object? value)
    {
        var text = value switch
        {
            null => "",
            IFormattable formattable => formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        if (value is string && text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            text = "'" + text;
        }

        return text.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }

    /// <summary>Writes the lines as a CSV download named <paramref name="fileName"/>.</summary>
    public static IResult File(string fileName, IEnumerable<string> lines) => File(fileName, lines.ToAsyncEnumerable());

    /// <summary>Streams the lines as a CSV download named <paramref name="fileName"/>.</summary>
    public static IResult File(string fileName, IAsyncEnumerable<string> lines) => TypedResults.Stream(
        async stream =>
        {
            await using var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
            await foreach (var line in lines)
            {
                await writer.WriteAsync(line);
            }
        },
        "text/csv; charset=utf-8",
        fileName);
}
