using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using CommandCenter.Core.Feed;
using CommandCenter.Infrastructure;
using CommandCenter.Testing;
using CommandCenter.Web.Hosting;
using CommandCenter.Web.Hubs;
using CommandCenter.Web.Tests.Api;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;

namespace CommandCenter.Web.Tests.Hosting;

/// <summary>
/// Two server processes on PostgreSQL and Redis behind the shipped nginx. Server A is killed (SIGKILL) while 500
/// reports are posted through nginx by a client that sends a failed request again with the same external id:
/// exactly 500 alerts are stored, none twice; server B keeps serving its hub clients; A restarts and catches up.
/// </summary>
[Trait(TestCategory.Name, TestCategory.PostgreSQL)]
[Trait(TestCategory.Name, TestCategory.Redis)]
public sealed class ServerKillTests : IAsyncDisposable
{
    private const int Reports = 500;
    private readonly TempDirectory _a = new(), _b = new();

    [Fact]
    public async Task KillingAServerDuringAStormOfReports_LosesNoneAndStoresNoneTwice()
    {
        await using var redis = await RedisServer.StartNewAsync();
        var postgres = PostgresServer.Shared;
        var database = postgres.ConnectionString(await postgres.DatabaseForAsync(_a.Path));
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development", // the demo city and its API keys; the simulator off
            ["Simulator__Enabled"] = "false",
            ["Store__Provider"] = nameof(StoreProvider.PostgreSQL),
            ["ConnectionStrings__Store"] = database,
            ["ConnectionStrings__Redis"] = redis.ConnectionString,
            ["ForwardedHeaders__KnownProxies"] = "127.0.0.1",
        };
        await using var serverA = await ProductProcess.StartAsync(_a.Path, environment); // killed mid-test; disposing again does nothing
        await using var serverB = await ProductProcess.StartAsync(_b.Path, environment);
        await using var nginx = await NginxServer.StartAsync(serverA.BaseAddress, serverB.BaseAddress);
        var seenOnB = new ConcurrentDictionary<string, int>();
        await using var hubOnB = await ListenAsync(serverB.BaseAddress, seenOnB);

        using var client = new HttpClient { BaseAddress = nginx.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var sent = 0;
        var retries = 0;
        var killed = false;
        await Parallel.ForEachAsync(Enumerable.Range(0, Reports), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            if (Interlocked.Increment(ref sent) == Reports / 5 && !killed)
            {
                killed = true;
                await serverA.DisposeAsync(); // SIGKILL, mid-stream
            }

            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/alerts") { Content = JsonContent.Create(Report(i), options: CommandCenterApp.Json) };
                    request.Headers.Add(CommandCenter.Web.Access.ApiKeys.Header, "demo-key-gridworker");
                    using var response = await client.SendAsync(request, ct);
                    if (response.IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                }
                catch (TaskCanceledException) when (!ct.IsCancellationRequested)
                {
                }

                Assert.True(attempt < 50, $"Report {i} was not stored after 50 attempts.");
                Interlocked.Increment(ref retries);
                await Task.Delay(100, ct);
            }
        });

        Assert.True(killed);
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var count = new NpgsqlCommand("""
                SELECT count(*), count(DISTINCT "ExternalId"), count(DISTINCT "AlertId") FROM "AlertReports" WHERE "ExternalId" LIKE 'kill-%'
                """, connection);
            await using var reader = await count.ExecuteReaderAsync();
            await reader.ReadAsync();
            Assert.Equal((Reports, Reports, Reports), (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)));
        }

        // B kept serving its hub clients; A comes back on its port and its clients hear what happens on B.
        Assert.Contains(seenOnB.Keys, id => id.StartsWith("kill-", StringComparison.Ordinal));
        await using var restarted = await ProductProcess.StartAsync(_a.Path, environment, url: serverA.BaseAddress);
        var seenOnA = new ConcurrentDictionary<string, int>();
        await using var hubOnA = await ListenAsync(restarted.BaseAddress, seenOnA);
        using var toB = new HttpClient { BaseAddress = serverB.BaseAddress };
        using var after = new HttpRequestMessage(HttpMethod.Post, "api/v1/alerts") { Content = JsonContent.Create(Report(Reports), options: CommandCenterApp.Json) };
        after.Headers.Add(CommandCenter.Web.Access.ApiKeys.Header, "demo-key-gridworker");
        Assert.Equal(HttpStatusCode.Created, (await toB.SendAsync(after)).StatusCode);
        for (var wait = 0; wait < 100 && !seenOnA.ContainsKey($"kill-{Reports}"); wait++)
        {
            await Task.Delay(100);
        }

        Assert.True(seenOnA.ContainsKey($"kill-{Reports}"), "The restarted server's hub client did not hear of an alert raised on B.");
    }

    public ValueTask DisposeAsync()
    {
        _a.Dispose();
        _b.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Report i in its own grid and category, so none merges into another.</summary>
    private static Dictionary<string, object?> Report(int i) =>
        AlertRequests.Valid($"kill-{i}", DemoCity.GridCode(i / 50 % 6, i / 10 % 5, 1 + i % 10), category: i < 300 ? "0301" : "0101").With("title", $"kill-{i}");

    /// <summary>A hub client signed in as the city's duty officer (demo user), counting alerts raised by title.</summary>
    private static async Task<HubConnection> ListenAsync(Uri server, ConcurrentDictionary<string, int> seen)
    {
        var cookies = await SignInAsync(server);
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server, CommandCenterHub.Path), options => options.Cookies = cookies)
            .AddJsonProtocol(json => HostingExtensions.ConfigureJson(json.PayloadSerializerOptions))
            .Build();
        connection.On<AlertChanged>(nameof(ICommandCenterClient.AlertChanged), change => seen.AddOrUpdate(change.Title, 1, (_, n) => n + 1));
        await connection.StartAsync();
        await connection.InvokeAsync<SubscriptionInfo>(nameof(CommandCenterHub.Subscribe), "330188");
        return connection;
    }

    private static async Task<CookieContainer> SignInAsync(Uri server)
    {
        var cookies = new CookieContainer();
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = server };
        var page = await client.GetStringAsync("signin");
        var form = new Dictionary<string, string> { ["Form.UserName"] = "duty", ["Form.Password"] = CommandCenter.Web.Access.DemoUsers.Password };
        foreach (System.Text.RegularExpressions.Match hidden in System.Text.RegularExpressions.Regex.Matches(page, "<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\""))
        {
            form[hidden.Groups[1].Value] = WebUtility.HtmlDecode(hidden.Groups[2].Value);
        }

        var response = await client.PostAsync("signin", new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return cookies;
    }
}
