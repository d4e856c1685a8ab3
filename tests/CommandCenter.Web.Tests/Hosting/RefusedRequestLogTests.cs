using System.Net;
using System.Net.Http.Json;
using CommandCenter.Testing;
using CommandCenter.Web.Api;
using CommandCenter.Web.Tests.Api;

namespace CommandCenter.Web.Tests.Hosting;

/// <summary>
/// A domain refusal travels to the edge as an exception; the request's log line must still say what the caller got
/// (409 or 403, at Information), not the 500 at Error an exception passing the request logger looks like.
/// </summary>
public sealed class RefusedRequestLogTests : IDisposable
{
    private static readonly TimeSpan LogWait = TimeSpan.FromSeconds(10);

    private readonly TempDirectory _dir = new();
    private readonly CommandCenterApp _app;

    public RefusedRequestLogTests() => _app = new CommandCenterApp(SeededStore.CopyInto(_dir.Path));

    [Theory]
    [InlineData("resolve", 0, HttpStatusCode.Conflict)] // not in a state for it
    [InlineData("acknowledge", 1, HttpStatusCode.Forbidden)] // another town's alert
    public async Task ARefusedWorkflowAction_LogsItsRequestLineWithTheStatusAnswered(string action, int town, HttpStatusCode expected)
    {
        var body = AlertRequests.Valid($"log-{action}", DemoCity.GridCode(town, 0, 3));
        var alert = (await (await _app.PostJsonAsync("/api/v1/alerts", body)).Content.ReadFromJsonAsync<AlertDto>(CommandCenterApp.Json))!;
        using var client = await _app.SignedInClientAsync("staff-hubin");
        var path = $"/api/v1/alerts/{alert.Id}/actions/{action}";

        var response = await client.PostAsJsonAsync(path, new { comment = "done" }, CommandCenterApp.Json);

        Assert.Equal(expected, response.StatusCode);
        var line = await RequestLineAsync(path);
        Assert.Contains($"responded {(int)expected} in", line, StringComparison.Ordinal);
        Assert.Contains("[INF]", line, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _app.Dispose();
        _dir.Dispose();
    }

    /// <summary>The request line for <paramref name="path"/> in the app's log files, once the background writer has written it.</summary>
    private async Task<string> RequestLineAsync(string path)
    {
        var logs = Path.Combine(_dir.Path, "logs");
        var until = DateTime.UtcNow + LogWait;
        while (true)
        {
            foreach (var file in Directory.Exists(logs) ? Directory.GetFiles(logs) : [])
            {
                await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var reader = new StreamReader(stream);
                var text = await reader.ReadToEndAsync();
                if (text.Split('\n').FirstOrDefault(l => l.Contains($"POST {path} responded", StringComparison.Ordinal)) is { } line)
                {
                    return line;
                }
            }

            Assert.True(DateTime.UtcNow < until, $"No request line for POST {path} in {logs} after {LogWait.TotalSeconds} s.");
            await Task.Delay(100);
        }
    }
}
