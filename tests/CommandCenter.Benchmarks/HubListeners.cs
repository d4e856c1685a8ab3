using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using CommandCenter.Web.Hosting;
using CommandCenter.Web.Hubs;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Benchmarks;

/// <summary>
/// M SignalR clients (WebSockets, the product's JSON dialect) subscribed to one node, each stamping when every alert
/// of the current run reaches it. Alerts are recognised by their title, <c>bench r{run} #{seq}</c>, so receipt
/// times go straight into a per-client array indexed by sequence number and stragglers of an earlier run are not
/// counted.
/// </summary>
public sealed partial class HubListeners : IAsyncDisposable
{
    private const string TitlePrefix = "bench r";
    private readonly List<HubConnection> _connections = [];
    private long[][] _received = [];
    private int _run = -1;
    private long _duplicates;
    private long _strays;

    public int Count => _connections.Count;

    public long Duplicates => Interlocked.Read(ref _duplicates);

    public long Strays => Interlocked.Read(ref _strays);

    public static string Title(int run, int seq) => string.Create(CultureInfo.InvariantCulture, $"{TitlePrefix}{run} #{seq}");

    public static Task<HubListeners> ConnectAsync(Uri baseAddress, CookieContainer? cookies, int count, string nodeCode) =>
        ConnectAsync([(baseAddress, cookies)], count, nodeCode);

    /// <summary>Listeners spread over several servers: listener i connects to server i mod n.</summary>
    public static async Task<HubListeners> ConnectAsync(IReadOnlyList<(Uri BaseAddress, CookieContainer? Cookies)> servers, int count, string nodeCode)
    {
        var listeners = new HubListeners();
        const int atOnce = 25;
        for (var first = 0; first < count; first += atOnce)
        {
            var batch = Enumerable.Range(first, Math.Min(atOnce, count - first))
                .Select(index => Connect(listeners, servers[index % servers.Count].BaseAddress, servers[index % servers.Count].Cookies, index)).ToList();
            listeners._connections.AddRange(batch);
            await Task.WhenAll(batch.Select(async connection =>
            {
                await connection.StartAsync();
                await connection.InvokeAsync<SubscriptionInfo>(nameof(CommandCenterHub.Subscribe), nodeCode);
            }));
        }

        return listeners;
    }

    /// <summary>Starts counting alerts of run <paramref name="run"/> with sequence numbers below <paramref name="capacity"/>.</summary>
    public void BeginRun(int run, int capacity)
    {
        _received = [.. Enumerable.Range(0, _connections.Count).Select(_ => new long[capacity])];
        Interlocked.Exchange(ref _duplicates, 0);
        Interlocked.Exchange(ref _strays, 0);
        Volatile.Write(ref _run, run);
    }

    /// <summary>Receipt timestamp (<see cref="Stopwatch"/> ticks) of alert <paramref name="seq"/> at client <paramref name="client"/>; 0 when not received.</summary>
    public long ReceivedAt(int client, int seq) => Volatile.Read(ref _received[client][seq]);

    public long CountReceived(IReadOnlyList<int> seqs)
    {
        long total = 0;
        foreach (var received in _received)
        {
            foreach (var seq in seqs)
            {
                if (Volatile.Read(ref received[seq]) != 0)
                {
                    total++;
                }
            }
        }

        return total;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var batch in _connections.Chunk(50))
        {
            await Task.WhenAll(batch.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    private static HubConnection Connect(HubListeners listeners, Uri baseAddress, CookieContainer? cookies, int index)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, CommandCenterHub.Path.TrimStart('/')), options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                if (cookies is not null)
                {
                    options.Cookies = cookies;
                }
            })
            .AddJsonProtocol(json => HostingExtensions.ConfigureJson(json.PayloadSerializerOptions))
            .Build();
        connection.ServerTimeout = TimeSpan.FromMinutes(2); // a saturated machine must not turn slowness into disconnects
        connection.On<TitleOnly>(nameof(ICommandCenterClient.AlertChanged), alert => listeners.Stamp(index, alert.Title));
        return connection;
    }

    private void Stamp(int client, string? title)
    {
        var now = Stopwatch.GetTimestamp();
        if (title is null || TitlePattern().Match(title) is not { Success: true } match
            || int.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture) != Volatile.Read(ref _run))
        {
            Interlocked.Increment(ref _strays);
            return;
        }

        var seq = int.Parse(match.Groups[2].ValueSpan, CultureInfo.InvariantCulture);
        var received = _received[client];
        if (seq >= received.Length || Interlocked.CompareExchange(ref received[seq], now, 0) != 0)
        {
            Interlocked.Increment(ref _duplicates);
        }
    }

    [GeneratedRegex(@"^bench r(\d+) #(\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex TitlePattern();

    /// <summary>All a listener reads of <c>AlertChanged</c>: the rest of the payload is parsed past, not bound.</summary>
    private sealed record TitleOnly(string? Title);
}
