using System.Net.WebSockets;
using CommandCenter.Testing;

namespace CommandCenter.Web.Tests.Hosting;

/// <summary>
/// The WebSocket a circuit runs on: compressed, but without server context takeover, so an open wall does not keep a
/// zlib deflater's state; and the page still may not be framed by other sites (Blazor's own frame-ancestors policy
/// for compressed sockets is replaced by the product's, which is stricter). Why:
/// wwwroot-assets/docs/decisions/0013-wall-circuits-share-their-markup.md.
/// </summary>
public sealed class CircuitWebSocketTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly CommandCenterApp _app;

    public CircuitWebSocketTests() => _app = new CommandCenterApp(SeededStore.CopyInto(_dir.Path));

    [Fact]
    public async Task BlazorSocket_OfferedDeflate_IsCompressedWithoutServerContextTakeover()
    {
        using var socket = new ClientWebSocket();
        socket.Options.DangerousDeflateOptions = new WebSocketDeflateOptions();
        socket.Options.CollectHttpResponseDetails = true;
        var address = new UriBuilder(_app.BaseAddress) { Scheme = "ws", Path = "/_blazor" }.Uri;

        await socket.ConnectAsync(address, CancellationToken.None);

        var extensions = string.Join(", ", socket.HttpResponseHeaders!["Sec-WebSocket-Extensions"]);
        Assert.StartsWith("permessage-deflate", extensions, StringComparison.Ordinal);
        Assert.Contains("server_no_context_takeover", extensions, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WallPage_HasOnePolicy_AndItForbidsFraming()
    {
        var client = await _app.CityReaderAsync();

        using var response = await client.GetAsync("/wall");

        Assert.EndsWith("frame-ancestors 'none'", Assert.Single(response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _app.Dispose();
        _dir.Dispose();
    }
}
