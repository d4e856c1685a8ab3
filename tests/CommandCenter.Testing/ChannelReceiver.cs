using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Testing;

/// <summary>One request a <see cref="ChannelReceiver"/> got, as it arrived.</summary>
public sealed record ReceivedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// A real HTTP server on a loopback port standing in for a notification channel's receiver (a webhook, a robot, an
/// SMS gateway): it keeps every request and answers as the test scripts it — by default 200 with a robot's
/// <c>{"errcode":0,"errmsg":"ok"}</c>.
/// </summary>
public sealed class ChannelReceiver : IAsyncDisposable
{
    public const string RobotOk = """{"errcode":0,"errmsg":"ok"}""";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();
    private int _failuresLeft;

    private ChannelReceiver(WebApplication app) => _app = app;

    /// <summary>The receiver's base address, e.g. http://127.0.0.1:41234/ (any path is answered).</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Every request so far, in arrival order, failed ones included.</summary>
    public IReadOnlyList<ReceivedRequest> Received => [.. _received];

    /// <summary>The answer to a request that is not failed by <see cref="FailNext"/>.</summary>
    public (int Status, string Body) Answer { get; set; } = (200, RobotOk);

    /// <summary>The answer while failing.</summary>
    public (int Status, string Body) Failure { get; set; } = (500, "receiver down");

    /// <summary>Requests answered with <see cref="Failure"/> whatever else is scripted (e.g. those to one phone).</summary>
    public Func<ReceivedRequest, bool>? Refuse { get; set; }

    /// <summary>Answers the next <paramref name="count"/> requests with <see cref="Failure"/>.</summary>
    public void FailNext(int count) => Volatile.Write(ref _failuresLeft, count);

    /// <summary>Fails every request until <see cref="Recover"/>.</summary>
    public void FailAlways() => FailNext(int.MaxValue);

    public void Recover() => FailNext(0);

    /// <summary>The requests answered with success.</summary>
    public IReadOnlyList<ReceivedRequest> Accepted => [.. _accepted];

    private readonly ConcurrentQueue<ReceivedRequest> _accepted = new();

    public static async Task<ChannelReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new ChannelReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        receiver.BaseAddress = new Uri(app.Urls.First() + "/");
        return receiver;
    }

    /// <summary>An address on this receiver, e.g. <c>Url("hook")</c>.</summary>
    public string Url(string pathAndQuery) => new Uri(BaseAddress, pathAndQuery).ToString();

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var request = new ReceivedRequest(context.Request.Method, context.Request.Path, context.Request.QueryString.Value ?? "", headers, body.ToArray());
        _received.Enqueue(request);
        var failing = Refuse?.Invoke(request) == true;
        while (!failing && Volatile.Read(ref _failuresLeft) is var left and > 0)
        {
            if (Interlocked.CompareExchange(ref _failuresLeft, left == int.MaxValue ? left : left - 1, left) == left)
            {
                failing = true;
                break;
            }
        }

        var (status, text) = failing ? Failure : Answer;
        if (!failing && status is >= 200 and < 300)
        {
            _accepted.Enqueue(request);
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(text);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
