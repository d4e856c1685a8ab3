using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using CommandCenter.Testing;
using CommandCenter.Web.Hosting;
using CommandCenter.Web.Hubs;
using CommandCenter.Web.Tests.Api;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Web.Tests.Hosting;

/// <summary>
/// The rate limits on the real server (the limiter runs on the system clock): sign-in attempts per address, posts per
/// API key, subscriptions per hub connection. Each test sets small limits of its own.
/// </summary>
public sealed class RateLimitTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task SignIn_BeyondTheLimitFromOneAddress_Is429WithRetryAfterAndAChineseMessage_WhateverTheAccount()
    {
        await using var app = new CommandCenterApp(SeededStore.CopyInto(_dir.Path), settings: new Dictionary<string, string?>
        {
            ["RateLimits:SignInPerMinute"] = "3",
            ["ForwardedHeaders:KnownProxies"] = "127.0.0.1", // so each test address below is its own client
        });

        string[] accounts = ["duty", "staff-hubin", "leader", "admin"];
        for (var i = 0; i < 3; i++)
        {
            using var refused = await SignInAsync(app, "10.1.0.7", accounts[i], "wrong-password");
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains("用户名或密码错误", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }

        using var limited = await SignInAsync(app, "10.1.0.7", accounts[3], Access.DemoUsers.Password);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        var retryAfter = int.Parse(Assert.Single(limited.Headers.GetValues("Retry-After")), CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        Assert.Equal("text/html", limited.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"登录尝试过于频繁，请 {retryAfter} 秒后再试。", WebUtility.HtmlDecode(await limited.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        // Another address is not held back, and the form itself still shows for the limited one.
        using var other = await SignInAsync(app, "10.1.0.8", "admin", Access.DemoUsers.Password);
        Assert.Equal(HttpStatusCode.Redirect, other.StatusCode);
        using var form = await ClientFrom(app, "10.1.0.7").GetAsync("/signin");
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
    }

    [Fact]
    public async Task Ingestion_BeyondTheKeysLimit_Is429ProblemWithRetryAfter_AndRetriesByExternalIdStoreEachReportOnce()
    {
        await using var app = new CommandCenterApp(SeededStore.CopyInto(_dir.Path), settings: new Dictionary<string, string?>
        {
            ["RateLimits:IngestPerKeyPerSecond"] = "10",
            ["RateLimits:IngestBurst"] = "10",
        });
        const int Reports = 40;
        var refusals = new ConcurrentBag<HttpResponseMessage>();

        // Every report posted at once by a client that does what the refusal says: wait Retry-After, send it again.
        await Parallel.ForEachAsync(Enumerable.Range(0, Reports), new ParallelOptions { MaxDegreeOfParallelism = 20 }, async (i, ct) =>
        {
            var body = AlertRequests.Valid($"limited-{i}", DemoCity.GridCode(i % 4, i / 4 % 5, i / 20 + 1));
            while (true)
            {
                var response = await app.PostJsonAsync("/api/v1/alerts", body);
                if (response.StatusCode != HttpStatusCode.TooManyRequests)
                {
                    Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync(ct)}");
                    response.Dispose();
                    return;
                }

                refusals.Add(response);
                await Task.Delay(TimeSpan.FromSeconds(int.Parse(response.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture)), ct);
            }
        });

        Assert.NotEmpty(refusals);
        var refusal = refusals.First();
        await ProblemAssert.IsProblemAsync(refusal, HttpStatusCode.TooManyRequests);
        Assert.Contains("externalId", await refusal.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var db = app.NewDbContext();
        var stored = await db.AlertReports.Where(r => r.ExternalId.StartsWith("limited-")).Select(r => r.ExternalId).ToListAsync();
        Assert.Equal(Reports, stored.Count);
        Assert.Equal(Reports, stored.Distinct().Count());

        // The limit is the key's: another system's key still posts while this one is spent.
        for (var i = 0; i < 12; i++)
        {
            await app.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid($"spend-{i}"));
        }

        using var otherKey = await app.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("hotline-1", DemoCity.GridCode(5, 0, 3)).With("source", "hotline"));
        Assert.Equal(HttpStatusCode.Created, otherKey.StatusCode);
        foreach (var response in refusals)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Hub_SubscribingBeyondTheLimitOnOneConnection_IsRefused_AndTheSubscriptionStays()
    {
        await using var app = new CommandCenterApp(SeededStore.CopyInto(_dir.Path), settings: new Dictionary<string, string?>
        {
            ["RateLimits:HubSubscribesPerMinute"] = "3",
        });
        var cookies = await app.SignInAsync("duty");
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(app.BaseAddress, CommandCenterHub.Path), options => options.Cookies = cookies)
            .AddJsonProtocol(json => HostingExtensions.ConfigureJson(json.PayloadSerializerOptions))
            .Build();
        await connection.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            await connection.InvokeAsync<SubscriptionInfo>(nameof(CommandCenterHub.Subscribe), DemoCity.TownCode(i));
        }

        var refused = await Assert.ThrowsAsync<HubException>(() => connection.InvokeAsync<SubscriptionInfo>(nameof(CommandCenterHub.Subscribe), DemoCity.TownCode(3)));

        Assert.Contains("Too many subscriptions: at most 3 a minute", refused.Message, StringComparison.Ordinal);
        Assert.Equal(HubConnectionState.Connected, connection.State);

        // Still subscribed to the last town it was allowed: its changes arrive.
        var changes = new TaskCompletionSource<CommandCenter.Core.Feed.AlertChanged>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.On<CommandCenter.Core.Feed.AlertChanged>(nameof(ICommandCenterClient.AlertChanged), change => changes.TrySetResult(change));
        (await app.PostJsonAsync("/api/v1/alerts", AlertRequests.Valid("hub-limit", DemoCity.GridCode(2, 0, 1)))).EnsureSuccessStatusCode();
        Assert.Equal(DemoCity.TownCode(2), (await changes.Task.WaitAsync(TimeSpan.FromSeconds(5))).Scope.TownCode);
    }

    [Theory]
    [InlineData("SignInPerMinute")]
    [InlineData("IngestPerKeyPerSecond")]
    [InlineData("IngestBurst")]
    [InlineData("HubSubscribesPerMinute")]
    public void NonPositiveLimit_StopsStartUpNamingTheSetting(string setting)
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateBuilder([$"--RateLimits:{setting}=0"]);
        builder.AddCommandCenter();
        using var app = builder.Build();

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Microsoft.Extensions.Options.IOptions<RateLimitOptions>>(app.Services).Value);
        Assert.Contains($"RateLimits:{setting}", error.Message, StringComparison.Ordinal);
    }

    private static HttpClient ClientFrom(CommandCenterApp app, string address)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return client;
    }

    private static async Task<HttpResponseMessage> SignInAsync(CommandCenterApp app, string address, string userName, string password)
    {
        using var client = ClientFrom(app, address);
        return await client.PostAsync("/signin", new FormUrlEncodedContent(CommandCenterApp.SignInForm(await client.GetStringAsync("/signin"), userName, password)));
    }
}
