using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CommandCenter.Web.Hosting;

/// <summary>
/// The body of /readyz: the overall status and each check's status, description and data, so whoever looks sees why
/// it is degraded ("metrics lagging by N points: …") and not only the word. Exceptions stay out of it: their
/// messages and stack traces are for the log, not for anyone who can reach the port.
/// </summary>
internal static class HealthReportJson
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static Task WriteAsync(HttpContext context, HealthReport report) =>
        context.Response.WriteAsJsonAsync(
            new Body(
                report.Status.ToString(),
                report.Entries.ToDictionary(
                    e => e.Key,
                    e => new Check(e.Value.Status.ToString(), e.Value.Description, e.Value.Data.Count == 0 ? null : e.Value.Data),
                    StringComparer.Ordinal)),
            Json,
            context.RequestAborted);

    private sealed record Body(string Status, IReadOnlyDictionary<string, Check> Checks);

    private sealed record Check(string Status, string? Description, IReadOnlyDictionary<string, object>? Data);
}
