using System.Diagnostics;
using System.Net;
using CommandCenter.Core.Feed;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Persistence;
using CommandCenter.Testing;
using CommandCenter.Web.Hosting;
using CommandCenter.Web.Hubs;
using CommandCenter.Web.Tests.Api;
using CommandCenter.Web.Wall;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Web.Tests.Hosting;

/// <summary>
/// Two app servers on one PostgreSQL database and one Redis: a change made through server A reaches a SignalR client
/// and a wall on server B within a second, and a sign-in cookie A issued is valid on B (the keys are in the store);
/// without Redis each server keeps its own wall, and B's wall catches up with A's changes when Redis is back.
/// </summary>
[Trait(TestCategory.Name, TestCategory.PostgreSQL)]
[Trait(TestCategory.Name, TestCategory.Redis)]
public sealed class TwoServersTests : IAsyncLifetime
{
    private readonly TempDirectory _a = new(), _b = new();
    private RedisServer _redis = null!;
    private CommandCenterApp _serverA = null!, _serverB = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartNewAsync();
        var postgres = PostgresServer.Shared;
        var settings = new Dictionary<string, string?>
        {
            ["Store:Provider"] = nameof(StoreProvider.PostgreSQL),
            ["ConnectionStrings:Store"] = postgres.ConnectionString(await postgres.DatabaseForAsync(_a.Path)),
            ["ConnectionStrings:Redis"] = _redis.ConnectionString,
            ["ForwardedHeaders:KnownProxies"] = "127.0.0.1",
        };
        _serverA = new CommandCenterApp(_a.Path, settings: settings, realTime: true);
        _serverB = new CommandCenterApp(_b.Path, settings: settings, realTime: true);
    }

    public async Task DisposeAsync()
    {
        await _serverA.DisposeAsync();
        await _serverB.DisposeAsync();
        await _redis.DisposeAsync();
        _a.Dispose();
        _b.Dispose();
    }

    [Fact]
    public async Task AnAlertPostedToA_ReachesAHubClientAndTheWallOnB_WithinASecond()
    {
        var wall = (await _serverB.Services.GetRequiredService<WallStateRegistry>().GetAsync("330188"))!;
        await using var client = new HubConnectionBuilder()
            .WithUrl(new Uri(_serverB.BaseAddress, CommandCenterHub.Path), options => options.Cookies = _serverB.SignInAsync("duty").GetAwaiter().GetResult())
            .AddJsonProtocol(json => HostingExtensions.ConfigureJson(json.PayloadSerializerOptions))
            .Build();
        var received = new TaskCompletionSource<AlertChanged>(TaskCreationOptions.RunContinuationsAsynchronously);
        var times = 0;
        client.On<AlertChanged>(nameof(ICommandCenterClient.AlertChanged), change =>
        {
            if (change.Title == "跨服务器事件")
            {
                Interlocked.Increment(ref times);
                received.TrySetResult(change);
            }
        });
        await client.StartAsync();
        await client.InvokeAsync<SubscriptionInfo>(nameof(CommandCenterHub.Subscribe), "330188");
        await WarmUpAsync();

        var clock = Stopwatch.StartNew();
        var posted = await _serverA.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("two-servers", DemoCity.GridCode(3, 2, 5)).With("title", "跨服务器事件"));
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);

        var change = await received.Task.WaitAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(DemoCity.GridCode(3, 2, 5), change.Scope.GridCode);
        while (!wall.View().RecentAlerts.Any(r => r.Title == "跨服务器事件"))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), "The wall on B did not show the alert within 1 s.");
            await Task.Delay(20);
        }

        await Task.Delay(500);
        Assert.Equal(1, times); // relayed by A alone, carried over by the backplane: never once per server
    }

    [Fact]
    public async Task RedisGone_ReadyzSaysDegraded_TheServerKeepsItsOwnWall_AndRecoversByItself()
    {
        var wall = (await _serverB.Services.GetRequiredService<WallStateRegistry>().GetAsync("330188"))!;
        Assert.Equal("Healthy", await RedisCheckAsync(_serverB));

        _redis.Stop();
        await WaitForAsync(async () => await RedisCheckAsync(_serverB) == "Degraded");
        Assert.Equal(HttpStatusCode.OK, (await _serverB.Http.GetAsync("/readyz")).StatusCode); // still takes traffic
        var posted = await _serverB.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("redis-gone", DemoCity.GridCode(1, 1, 7)).With("title", "Redis 中断期间"));
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        await WaitForAsync(() => Task.FromResult(wall.View().RecentAlerts.Any(r => r.Title == "Redis 中断期间")));
        Assert.False(_serverB.Services.GetRequiredService<Infrastructure.Feed.FeedLink>().IsConnected); // the wall's header says so

        await _redis.StartAsync();
        await WaitForAsync(async () => await RedisCheckAsync(_serverB) == "Healthy");
    }

    [Fact]
    public async Task AChangeMadeOnAWhileRedisWasGone_ReachesTheWallOnB_AndItsHubClientsAreToldToReadAgain_WhenRedisComesBack()
    {
        var wall = (await _serverB.Services.GetRequiredService<WallStateRegistry>().GetAsync("330188"))!;
        var link = _serverB.Services.GetRequiredService<Infrastructure.Feed.FeedLink>();
        var cookies = await _serverB.SignInAsync("duty");
        await using var hubClient = new HubConnectionBuilder()
            .WithUrl(new Uri(_serverB.BaseAddress, CommandCenterHub.Path), options => options.Cookies = cookies)
            .AddJsonProtocol(json => HostingExtensions.ConfigureJson(json.PayloadSerializerOptions))
            .Build();
        var resync = new TaskCompletionSource<ResyncNeeded>(TaskCreationOptions.RunContinuationsAsynchronously);
        hubClient.On<ResyncNeeded>(nameof(ICommandCenterClient.Resync), notice => resync.TrySetResult(notice));
        await hubClient.StartAsync();
        await hubClient.InvokeAsync<SubscriptionInfo>(nameof(CommandCenterHub.Subscribe), "330188");
        _redis.Stop();
        await WaitForAsync(() => Task.FromResult(!link.IsConnected));

        var posted = await _serverA.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("while-apart", DemoCity.GridCode(4, 1, 2)).With("title", "断联期间"));
        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        await Task.Delay(500);
        Assert.DoesNotContain(wall.View().RecentAlerts, r => r.Title == "断联期间"); // B cannot have heard of it

        await _redis.StartAsync();
        // Within the wait's 30 s, not at the periodic resync five minutes away: B reloads when the link is back (and
        // says so: the message was not simply delivered late by the Redis client's queue).
        await WaitForAsync(() => Task.FromResult(wall.View().RecentAlerts.Any(r => r.Title == "断联期间")));
        await WaitForAsync(() => Task.FromResult(LogLines(_b).Any(line => line.Contains("The link to the other servers is back", StringComparison.Ordinal))));

        // A hub client on B (another system) is told to read again: what it missed is in the store, not in the feed.
        Assert.Equal("link-restored", (await resync.Task.WaitAsync(TimeSpan.FromSeconds(30))).Reason);
    }

    [Fact]
    public async Task ACookieIssuedByA_IsValidOnB()
    {
        var cookies = await _serverA.SignInAsync("duty");
        using var onB = new HttpClient(new HttpClientHandler { CookieContainer = Rebase(cookies, _serverA.BaseAddress, _serverB.BaseAddress), AllowAutoRedirect = false }) { BaseAddress = _serverB.BaseAddress };

        var alerts = await onB.GetAsync("/api/v1/alerts");

        Assert.Equal(HttpStatusCode.OK, alerts.StatusCode);
        await using var db = _serverB.NewDbContext();
        Assert.NotEmpty(await db.DataProtectionKeys.ToListAsync()); // the key ring is in the shared store, not on one machine
    }

    [Fact]
    public async Task BehindTheShippedNginx_HubWebSocketsUpgrade_AndTheServersLogTheBrowsersAddress()
    {
        await using var nginx = await NginxServer.StartAsync(_serverA.BaseAddress, _serverB.BaseAddress);
        var cookies = await _serverA.SignInAsync("duty");
        await using var client = new HubConnectionBuilder()
            .WithUrl(new Uri(nginx.BaseAddress, CommandCenterHub.Path), options =>
            {
                options.Cookies = Rebase(cookies, _serverA.BaseAddress, nginx.BaseAddress);
                options.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
                options.SkipNegotiation = true; // WebSockets or nothing: proves nginx upgrades the connection
            })
            .AddJsonProtocol(json => HostingExtensions.ConfigureJson(json.PayloadSerializerOptions))
            .Build();
        var received = new TaskCompletionSource<AlertChanged>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.On<AlertChanged>(nameof(ICommandCenterClient.AlertChanged), change => received.TrySetResult(change));
        await client.StartAsync();
        await client.InvokeAsync<SubscriptionInfo>(nameof(CommandCenterHub.Subscribe), "330188");

        // A browser on another address (127.0.0.2) posts through nginx; the server that answers logs that address.
        using var browser = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            },
        }) { BaseAddress = nginx.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/alerts") { Content = System.Net.Http.Json.JsonContent.Create(AlertRequests.Valid("via-nginx", DemoCity.GridCode(2, 3, 4)), options: CommandCenterApp.Json) };
        request.Headers.Add(CommandCenter.Web.Access.ApiKeys.Header, CommandCenterApp.KeyFor("gridWorker"));
        var posted = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        Assert.Equal(DemoCity.GridCode(2, 3, 4), (await received.Task.WaitAsync(TimeSpan.FromSeconds(5))).Scope.GridCode);

        // A stored report's request line is left to its service's own log; a refused one is logged with its address.
        using var refused = new HttpRequestMessage(HttpMethod.Post, "/api/v1/alerts") { Content = System.Net.Http.Json.JsonContent.Create(AlertRequests.Valid("via-nginx-2").Without("gridCode"), options: CommandCenterApp.Json) };
        refused.Headers.Add(CommandCenter.Web.Access.ApiKeys.Header, CommandCenterApp.KeyFor("gridWorker"));
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.SendAsync(refused)).StatusCode);
        var logged = false;
        for (var attempt = 0; attempt < 200 && !logged; attempt++) // the log is written off the request thread, later under load
        {
            await Task.Delay(100);
            logged = LogLines(_a).Concat(LogLines(_b)).Any(line => line.Contains("POST /api/v1/alerts responded 400", StringComparison.Ordinal) && line.Contains("from 127.0.0.2", StringComparison.Ordinal));
        }

        Assert.True(logged, "No server logged the browser's address 127.0.0.2 for the request that came through nginx.");
    }

    [Fact]
    public async Task EachServerInOneProcess_LogsItsOwnRequests_InItsOwnDataDirectory()
    {
        var onA = $"/api/v1/nothing-{Guid.NewGuid():N}";
        var onB = $"/api/v1/nothing-{Guid.NewGuid():N}";

        Assert.Equal(HttpStatusCode.NotFound, (await _serverA.Http.GetAsync(onA)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _serverB.Http.GetAsync(onB)).StatusCode);

        await WaitForAsync(() => Task.FromResult(LogLines(_a).Any(line => line.Contains(onA, StringComparison.Ordinal)) && LogLines(_b).Any(line => line.Contains(onB, StringComparison.Ordinal))));
        Assert.DoesNotContain(LogLines(_a), line => line.Contains(onB, StringComparison.Ordinal));
        Assert.DoesNotContain(LogLines(_b), line => line.Contains(onA, StringComparison.Ordinal));
    }

    private static async Task<string?> RedisCheckAsync(CommandCenterApp server)
    {
        using var body = System.Text.Json.JsonDocument.Parse(await server.Http.GetStringAsync("/readyz"));
        return body.RootElement.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString();
    }

    private static async Task WaitForAsync(Func<Task<bool>> done)
    {
        var deadline = Stopwatch.StartNew();
        while (!await done())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "Not within 30 s.");
            await Task.Delay(100);
        }
    }

    /// <summary>Every line of a server's log files so far.</summary>
    private static IEnumerable<string> LogLines(TempDirectory dataDir)
    {
        var logs = Path.Combine(dataDir.Path, "logs");
        if (!Directory.Exists(logs))
        {
            yield break;
        }

        foreach (var file in Directory.GetFiles(logs))
        {
            using var reader = new StreamReader(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            while (reader.ReadLine() is { } line)
            {
                yield return line;
            }
        }
    }

    /// <summary>Both servers listen on 127.0.0.1 on different ports; a cookie jar keys by host, so the cookie is sent as is.</summary>
    private static System.Net.CookieContainer Rebase(System.Net.CookieContainer cookies, Uri from, Uri to)
    {
        var jar = new System.Net.CookieContainer();
        foreach (Cookie cookie in cookies.GetCookies(from))
        {
            jar.Add(to, new Cookie(cookie.Name, cookie.Value, "/"));
        }

        return jar;
    }

    /// <summary>The first message through a fresh Redis subscription can take longer than a second: one goes first, untimed.</summary>
    private async Task WarmUpAsync()
    {
        var warm = await _serverA.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("warm-up", DemoCity.GridCode(4, 1, 2)).With("title", "预热"));
        Assert.Equal(HttpStatusCode.Created, warm.StatusCode);
        var wall = (await _serverB.Services.GetRequiredService<WallStateRegistry>().GetAsync("330188"))!;
        var deadline = Stopwatch.StartNew();
        while (!wall.View().RecentAlerts.Any(r => r.Title == "预热"))
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "Nothing crossed from A to B within 30 s.");
            await Task.Delay(50);
        }
    }
}
