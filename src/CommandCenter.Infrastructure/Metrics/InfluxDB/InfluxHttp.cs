using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace CommandCenter.Infrastructure.Metrics.InfluxDB;

/// <summary>
/// InfluxDB's v1-compatible HTTP API: <c>/write</c> (line protocol), <c>/query</c> (InfluxQL). InfluxDB 1.x, 2.x
/// and 3.x all serve it, and 1.6 — the only server on our machines — serves nothing else (InfluxDB.Client's write
/// and query APIs use <c>/api/v2</c>). Credentials travel in the Authorization header, never in the URL, so they
/// never reach an access log: HTTP Basic for 1.x users, <c>Token …</c> for 2.x/3.x.
/// </summary>
public sealed class InfluxHttp(IHttpClientFactory clients, IOptions<MetricsOptions> options)
{
    /// <summary>The named <see cref="HttpClient"/> (base address, timeout and credentials set at registration).</summary>
    public const string ClientName = "influxdb";

    private InfluxDbOptions Settings => options.Value.InfluxDB;

    /// <summary>Where writes go, for messages.</summary>
    public string Describe() => $"InfluxDB at {Settings.Url}, database {Settings.Database}";

    /// <summary>Configures the named client: base address, timeout and the Authorization header.</summary>
    internal static void Configure(HttpClient http, InfluxDbOptions settings)
    {
        http.BaseAddress = settings.BaseUri;
        http.Timeout = settings.Timeout;
        if (!string.IsNullOrEmpty(settings.Token))
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Token", settings.Token);
        }
        else if (!string.IsNullOrEmpty(settings.Username))
        {
            var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings.Username}:{settings.Password}"));
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", basic);
        }
    }

    /// <summary>POSTs lines (nanosecond timestamps) to <c>/write</c>. Throws <see cref="HttpRequestException"/> when the server is unreachable.</summary>
    public async Task<InfluxWriteResult> WriteAsync(IEnumerable<string> lines, CancellationToken ct)
    {
        using var body = new StringContent(string.Join('\n', lines), Encoding.UTF8, "text/plain");
        using var response = await Client().PostAsync($"write?db={Uri.EscapeDataString(Settings.Database)}&precision=ns", body, ct);
        return response.IsSuccessStatusCode
            ? new InfluxWriteResult(response.StatusCode, null)
            : new InfluxWriteResult(response.StatusCode, await ErrorOfAsync(response, ct));
    }

    /// <summary><c>CREATE DATABASE</c> (1.x; a no-op when it exists). Throws when the server refuses.</summary>
    public async Task CreateDatabaseAsync(CancellationToken ct)
    {
        using var form = new FormUrlEncodedContent([new("q", $"CREATE DATABASE {InfluxQueryTranslator.Identifier(Settings.Database)}")]);
        using var response = await Client().PostAsync("query", form, ct);
        using var document = await ReadJsonAsync(response, ct);
        EnsureNoError(document, "CREATE DATABASE");
    }

    /// <summary>Runs one InfluxQL read (times as Unix milliseconds) and returns the first statement's result.</summary>
    public async Task<JsonDocument> QueryAsync(string influxql, CancellationToken ct)
    {
        var uri = $"query?db={Uri.EscapeDataString(Settings.Database)}&epoch=ms&q={Uri.EscapeDataString(influxql)}";
        using var response = await Client().GetAsync(uri, ct);
        var document = await ReadJsonAsync(response, ct);
        try
        {
            EnsureNoError(document, influxql);
            return document;
        }
        catch
        {
            document.Dispose();
            throw;
        }
    }

    private HttpClient Client() => clients.CreateClient(ClientName);

    private async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            throw new InvalidOperationException($"{Describe()} answered {(int)response.StatusCode} {response.ReasonPhrase} without JSON: {Truncate(text)}");
        }
    }

    /// <summary>InfluxDB reports errors at the top (<c>{"error":…}</c>, e.g. 401) or per statement (with a 200).</summary>
    private void EnsureNoError(JsonDocument document, string statement)
    {
        var root = document.RootElement;
        if (root.TryGetProperty("error", out var error))
        {
            throw new InvalidOperationException($"{Describe()} refused {Truncate(statement)}: {error.GetString()}");
        }

        if (root.TryGetProperty("results", out var results))
        {
            foreach (var result in results.EnumerateArray())
            {
                if (result.TryGetProperty("error", out var statementError))
                {
                    throw new InvalidOperationException($"{Describe()} refused {Truncate(statement)}: {statementError.GetString()}");
                }
            }
        }
    }

    private static async Task<string> ErrorOfAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        var reason = $"{(int)response.StatusCode} {response.ReasonPhrase}";
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error))
            {
                return $"{reason}: {error.GetString()}";
            }
        }
        catch (JsonException)
        {
            // not JSON (a proxy's page): the text itself says most
        }

        return string.IsNullOrWhiteSpace(text) ? reason : $"{reason}: {Truncate(text)}";
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";
}

/// <summary>What <c>/write</c> answered: a 2xx (<see cref="Error"/> null) or the status and InfluxDB's error text.</summary>
public sealed record InfluxWriteResult(HttpStatusCode Status, string? Error)
{
    public bool Succeeded => Error is null;

    /// <summary>
    /// The server will never take these lines (400: unparsable or a field type conflict; 1.x writes the valid lines
    /// of such a batch and drops the rest, so resending changes nothing). Everything else — auth, missing database,
    /// 5xx, a proxy's 404 — may heal and is retried.
    /// </summary>
    public bool IsPermanent => Status == HttpStatusCode.BadRequest;

    /// <summary>The body was larger than the server's limit: send fewer lines at a time.</summary>
    public bool IsTooLarge => Status == HttpStatusCode.RequestEntityTooLarge;

    public bool IsDatabaseMissing => Status == HttpStatusCode.NotFound && Error?.Contains("database not found", StringComparison.OrdinalIgnoreCase) == true;
}
