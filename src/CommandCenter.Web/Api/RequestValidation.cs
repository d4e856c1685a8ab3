using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using CommandCenter.Core.Alerts;
using CommandCenter.Web.Hosting;

namespace CommandCenter.Web.Api;

/// <summary>Collects every bad field of a request, so one answer names them all.</summary>
internal sealed partial class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            _errors[field] = messages = [];
        }

        messages.Add(message);
    }

    public IDictionary<string, string[]> ToDictionary() => _errors.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());

    /// <summary>A required text: trimmed, not empty, not longer than <paramref name="maxLength"/>.</summary>
    public string? Required(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, $"{field} is required.");
            return null;
        }

        return Optional(field, value, maxLength);
    }

    /// <summary>An optional text: trimmed, empty becomes null, not longer than <paramref name="maxLength"/>.</summary>
    public string? Optional(string field, string? value, int maxLength)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        if (trimmed.Length > maxLength)
        {
            Add(field, $"{field} is {trimmed.Length} characters long; at most {maxLength} are allowed.");
            return null;
        }

        if (trimmed.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            Add(field, $"{field} contains control characters.");
            return null;
        }

        return trimmed;
    }

    /// <summary>An enum given by name (case-insensitive; numbers are not names). Extra spellings may be accepted via <paramref name="aliases"/>.</summary>
    public T? Enum<T>(string field, string? value, bool required, IReadOnlyDictionary<string, T>? aliases = null) where T : struct, System.Enum
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                Add(field, $"{field} is required; one of: {Names<T>()}.");
            }

            return null;
        }

        var text = value.Trim();
        if (aliases is not null && aliases.TryGetValue(text, out var alias))
        {
            return alias;
        }

        if (!char.IsAsciiDigit(text[0]) && text[0] != '-' && System.Enum.TryParse<T>(text, ignoreCase: true, out var parsed) && System.Enum.IsDefined(parsed))
        {
            return parsed;
        }

        Add(field, $"'{Shorten(text)}' is not a known {field}; use one of: {Names<T>()}.");
        return null;
    }

    /// <summary>An ISO 8601 time with an explicit offset (Z or ±hh:mm): a time without one is ambiguous.</summary>
    public DateTimeOffset? Time(string field, string? value, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                Add(field, $"{field} is required (ISO 8601 with offset, e.g. 2026-11-27T10:30:00+08:00).");
            }

            return null;
        }

        if (!OffsetSuffix().IsMatch(value)
            || !DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            Add(field, $"'{Shorten(value)}' is not an ISO 8601 time with offset (e.g. 2026-11-27T10:30:00+08:00).");
            return null;
        }

        return parsed;
    }

    private static string Names<T>() where T : struct, System.Enum =>
        string.Join(", ", System.Enum.GetNames<T>().Select(JsonNamingPolicy.CamelCase.ConvertName));

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";

    [GeneratedRegex(@"(Z|z|[+-]\d{2}:?\d{2})$")]
    private static partial Regex OffsetSuffix();
}

/// <summary>Reads a JSON body with a size cap, turning every way it can be wrong into a problem response.</summary>
internal static class JsonBody
{
    private static readonly JsonSerializerOptions Options = CreateOptions();

    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "The body must be JSON.",
                detail: $"Send Content-Type: application/json; got '{request.ContentType ?? "none"}'."));
        }

        var max = IngestionLimits.MaxBodyBytes;
        if (request.ContentLength > max)
        {
            return (null, TooLarge(request.ContentLength.Value));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > max)
            {
                return (null, TooLarge(buffer.Length));
            }
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), Options);
            return value is null
                ? (null, Invalid("body", "The body must be a JSON object."))
                : (value, null);
        }
        catch (JsonException ex)
        {
            var field = ex.Path is null or "$" ? "body" : ex.Path.TrimStart('$', '.');
            return (null, Invalid(field, $"Malformed JSON{(ex.LineNumber is { } line ? $" at line {line + 1}, byte {ex.BytePositionInLine + 1}" : "")}: {FirstSentence(ex.Message)}"));
        }
    }

    public static IResult Invalid(FieldErrors errors) => TypedResults.ValidationProblem(
        errors.ToDictionary(),
        title: "The request has invalid fields.",
        detail: "Nothing was stored. Fix the fields named in 'errors' and send it again.");

    private static IResult Invalid(string field, string message)
    {
        var errors = new FieldErrors();
        errors.Add(field, message);
        return Invalid(errors);
    }

    private static IResult TooLarge(long size) => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "The body is too large.",
        detail: $"The body is {size} bytes or more; at most {IngestionLimits.MaxBodyBytes} bytes are accepted. Nothing was stored.");

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        HostingExtensions.ConfigureJson(options);
        return options;
    }
}
