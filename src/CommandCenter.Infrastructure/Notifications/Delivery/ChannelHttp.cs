using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace CommandCenter.Infrastructure.Notifications.Delivery;

/// <summary>What every channel does with HTTP: one JSON dialect, a refusal as <see cref="NotificationChannelException"/>.</summary>
internal static class ChannelHttp
{
    /// <summary>camelCase and enums as camelCase strings, as the API speaks; Chinese left readable, not \u-escaped.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All),
    };

    /// <summary>Sends and returns the answer's body; an answer outside 2xx is a refusal naming the status.</summary>
    public static async Task<string> SendAsync(HttpClient client, HttpRequestMessage request, CancellationToken ct)
    {
        using var response = await client.SendAsync(request, ct);
        var answer = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new NotificationChannelException($"HTTP {(int)response.StatusCode}{Excerpt(answer)}", (int)response.StatusCode);
        }

        return answer;
    }

    /// <summary>
    /// Posts <paramref name="body"/> to a chat robot, which answers 200 with <c>{"errcode":0,"errmsg":"ok"}</c> when it
    /// took the message and a non-zero <c>errcode</c> when it did not (bad key, bad signature, too many messages).
    /// </summary>
    public static async Task PostToRobotAsync(HttpClient client, string url, JsonObject body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body, options: Json) };
        var answer = await SendAsync(client, request, ct);
        JsonNode? parsed;
        try
        {
            parsed = JsonNode.Parse(answer);
        }
        catch (JsonException)
        {
            throw new NotificationChannelException($"Not a robot's answer{Excerpt(answer)}", 200);
        }

        var code = parsed?["errcode"]?.GetValue<int>();
        if (code != 0)
        {
            throw new NotificationChannelException($"errcode {code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "missing"}: {parsed?["errmsg"]}", 200);
        }
    }

    private static string Excerpt(string answer) =>
        string.IsNullOrWhiteSpace(answer) ? "" : ": " + (answer.Length > 200 ? answer[..200] + "…" : answer).ReplaceLineEndings(" ");
}
