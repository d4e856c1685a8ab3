using System.Text;

namespace CommandCenter.Infrastructure.Metrics.InfluxDB;

/// <summary>
/// Makes every tag value survive line protocol. <see cref="InfluxDB.Client.Writes.PointData"/> escapes spaces, commas
/// and <c>=</c> correctly, but line protocol has no way to carry a newline, carriage return or tab in a tag (PointData
/// writes <c>\n</c>, which InfluxDB stores as a backslash and an <c>n</c>), and a tag ending in a backslash makes
/// InfluxDB reject the whole line. Those characters — and <c>%</c>, the escape itself — are percent-encoded before
/// PointData sees the value, and decoded when values come back from a query. Everything else (Chinese, quotes,
/// spaces, commas, <c>=</c>) is stored as it is, so InfluxDB's own tools show it unchanged.
/// </summary>
internal static class InfluxTagCodec
{
    public static string Encode(string value)
    {
        if (value.AsSpan().IndexOfAny("%\\\n\r\t") < 0)
        {
            return value;
        }

        var encoded = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            encoded.Append(c switch
            {
                '%' => "%25",
                '\\' => "%5C",
                '\n' => "%0A",
                '\r' => "%0D",
                '\t' => "%09",
                _ => c.ToString(),
            });
        }

        return encoded.ToString();
    }

    public static string Decode(string value)
    {
        if (!value.Contains('%', StringComparison.Ordinal))
        {
            return value;
        }

        var decoded = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '%' && i + 2 < value.Length && TryDecode(value.AsSpan(i + 1, 2), out var c))
            {
                decoded.Append(c);
                i += 2;
            }
            else
            {
                decoded.Append(value[i]); // not written by Encode (another writer's value): keep it as it is
            }
        }

        return decoded.ToString();
    }

    private static bool TryDecode(ReadOnlySpan<char> hex, out char c)
    {
        c = hex switch
        {
            "25" => '%',
            "5C" => '\\',
            "0A" => '\n',
            "0D" => '\r',
            "09" => '\t',
            _ => '\0',
        };
        return c != '\0';
    }
}
