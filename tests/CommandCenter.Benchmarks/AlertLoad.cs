using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using CommandCenter.Testing;
using CommandCenter.Web.Access;

namespace CommandCenter.Benchmarks;

/// <summary>
/// Posts alerts to <c>/api/v1/alerts</c> at a fixed rate (open loop: the schedule does not wait for answers, up to
/// <see cref="MaxInFlight"/> requests at once), each with a distinct external id and a (grid, category) pair that
/// does not come round again for thousands of alerts, so nothing merges. Bodies are built before the clock starts;
/// the send time of each is stamped just before it goes out. Given several servers, alerts go to each in turn.
/// </summary>
public sealed partial class AlertLoad : IDisposable
{
    public const int MaxInFlight = 256;
    public const string ApiKey = "demo-key-gridworker";

    private static readonly string[] Grids = [.. Enumerable.Range(0, 6)
        .SelectMany(t => Enumerable.Range(0, 5).SelectMany(c => Enumerable.Range(1, 10).Select(g => DemoCity.GridCode(t, c, g))))];

    private static readonly string[] Categories = [.. DemoCity.Categories().All
        .Where(c => !DemoCity.Categories().ChildrenOf(c.Code).Any()).Select(c => c.Code)];

    private readonly HttpClient[] _http;
    private long _pairs;

    public AlertLoad(params Uri[] baseAddresses)
    {
        _http = [.. baseAddresses.Select(address => new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = MaxInFlight, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromSeconds(30),
        })];
    }

    /// <summary>How many alerts pass before a (grid, category) pair is used again.</summary>
    public static int DistinctPairs => Grids.Length * Categories.Length;

    /// <summary>The city the demo seed describes (the node every listener subscribes to).</summary>
    public static string CityCode => DemoCity.TownCode(0)[..6];

    /// <summary>Posts <c>rate × duration</c> alerts of run <paramref name="run"/> on schedule; returns when every answer is in.</summary>
    public async Task<LoadRun> RunAsync(int run, double rate, TimeSpan duration)
    {
        var n = Math.Max(1, (int)Math.Round(rate * duration.TotalSeconds));
        var occurredAt = DateTimeOffset.UtcNow.AddSeconds(-1).ToString("O", CultureInfo.InvariantCulture);
        var bodies = new byte[n][];
        for (var seq = 0; seq < n; seq++)
        {
            var pair = _pairs++;
            bodies[seq] = JsonSerializer.SerializeToUtf8Bytes(new
            {
                source = "gridWorker",
                externalId = $"bench-r{run}-{seq}",
                category = Categories[pair / Grids.Length % Categories.Length],
                severity = "general",
                gridCode = Grids[pair % Grids.Length],
                occurredAt,
                title = HubListeners.Title(run, seq),
            });
        }

        var sent = new long[n];
        var answered = new long[n];
        var status = new int[n];
        var merged = 0;
        using var slots = new SemaphoreSlim(MaxInFlight);
        var pending = new List<Task>(n);
        var interval = Stopwatch.Frequency / rate;
        var start = Stopwatch.GetTimestamp();
        for (var seq = 0; seq < n; seq++)
        {
            var due = start + (long)(seq * interval);
            while (Stopwatch.GetTimestamp() is var now && now < due)
            {
                var wait = Ticks.ToMilliseconds(due - now);
                if (wait >= 2)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(wait - 1));
                }
                else
                {
                    Thread.Yield();
                }
            }

            await slots.WaitAsync();
            pending.Add(SendAsync(seq));
        }

        var lastSend = Stopwatch.GetTimestamp();
        await Task.WhenAll(pending);

        var ok = Enumerable.Range(0, n).Where(i => status[i] is >= 200 and < 300).ToList();
        var postMs = ok.Select(i => Ticks.ToMilliseconds(answered[i] - sent[i])).ToArray();
        var achieved = n > 1 ? (n - 1) / (Ticks.ToMilliseconds(lastSend - start) / 1000) : rate;
        return new LoadRun(run, rate, n, sent, ok, n - ok.Count, merged, achieved, Distribution.Of(postMs),
            [.. Enumerable.Range(0, n).Where(i => status[i] is < 200 or >= 300).Select(i => status[i]).Distinct()]);

        async Task SendAsync(int seq)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/alerts") { Content = new ByteArrayContent(bodies[seq]) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.Add(ApiKeys.Header, ApiKey);
                sent[seq] = Stopwatch.GetTimestamp();
                using var response = await _http[seq % _http.Length].SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                answered[seq] = Stopwatch.GetTimestamp();
                status[seq] = (int)response.StatusCode;
                if (response.Headers.TryGetValues("X-Ingest-Outcome", out var outcome) && outcome.Contains("Merged"))
                {
                    Interlocked.Increment(ref merged);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                status[seq] = -1;
            }
            finally
            {
                slots.Release();
            }
        }
    }

    /// <summary>Signs in through the product's sign-in form (antiforgery token and all) and returns the cookie to share.</summary>
    public static async Task<CookieContainer> SignInAsync(Uri baseAddress, string userName)
    {
        var cookies = new CookieContainer();
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = baseAddress };
        var page = await client.GetStringAsync("signin");
        var form = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Form.UserName"] = userName,
            ["Form.Password"] = DemoUsers.Password,
        };
        foreach (Match hidden in HiddenInput().Matches(page))
        {
            form[hidden.Groups[1].Value] = WebUtility.HtmlDecode(hidden.Groups[2].Value);
        }

        using var body = new FormUrlEncodedContent(form);
        using var response = await client.PostAsync("signin", body);
        return response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found
            ? cookies
            : throw new InvalidOperationException($"Sign-in as {userName} failed: {response.StatusCode}");
    }

    public void Dispose()
    {
        foreach (var http in _http)
        {
            http.Dispose();
        }
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"", RegexOptions.CultureInvariant)]
    private static partial Regex HiddenInput();
}

/// <summary>What one run of <see cref="AlertLoad"/> did: when each alert was sent, which were accepted.</summary>
public sealed record LoadRun(
    int Run, double Rate, int Sent, long[] SentAt, IReadOnlyList<int> Accepted, int Errors, int Merged, double AchievedRate,
    Distribution PostMs, IReadOnlyList<int> ErrorStatuses);
