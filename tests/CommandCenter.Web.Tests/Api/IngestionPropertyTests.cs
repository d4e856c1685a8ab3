using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CommandCenter.Testing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.EntityFrameworkCore;

namespace CommandCenter.Web.Tests.Api;

/// <summary>
/// Random report bodies posted to the real server: valid ones, ones with fields replaced by anything JSON can hold
/// (Unicode, lone surrogates, extreme lengths, numbers, nesting, impossible and extreme dates), fields missing, and
/// JSON mangled on the wire. Whatever arrives: never a 5xx; a refusal stores nothing; an acceptance stores the report once.
/// </summary>
public sealed class IngestionPropertyTests : IAsyncLifetime
{
    private static int _case;
    private readonly TempDirectory _dir = new();
    private CommandCenterApp _app = null!;

    public Task InitializeAsync()
    {
        _app = new CommandCenterApp(SeededStore.CopyInto(_dir.Path));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _dir.Dispose();
    }

    [Property(MaxTest = 250, Arbitrary = [typeof(Payloads)])]
    public async Task AnyBody_NeverA5xx_AndOnlyAnAcceptedReportIsStored(Payload payload)
    {
        var externalId = $"prop-{Interlocked.Increment(ref _case)}";
        var body = payload.Render(externalId);
        var before = await CountReportsAsync();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/alerts") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(Access.ApiKeys.Header, CommandCenterApp.KeyFor("gridWorker"));
        using var response = await _app.Http.SendAsync(request);

        Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode} for {payload}: {await response.Content.ReadAsStringAsync()}");
        if (response.IsSuccessStatusCode)
        {
            using var sent = JsonDocument.Parse(body); // a document, not a node: a body with a repeated key may be accepted
            var stored = sent.RootElement.GetProperty("externalId").GetString();
            await using var db = _app.NewDbContext();
            Assert.Equal(1, await db.AlertReports.CountAsync(r => r.ExternalId == stored));
        }
        else
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(before, await CountReportsAsync());
        }
    }

    private async Task<int> CountReportsAsync()
    {
        await using var db = _app.NewDbContext();
        return await db.AlertReports.CountAsync();
    }

    /// <summary>A body: the valid report with some fields changed or removed, then perhaps mangled as text.</summary>
    public sealed record Payload((string Field, JsonNode? Value, bool Remove)[] Changes, Mangling Mangle, int At)
    {
        public string Render(string externalId)
        {
            var report = JsonSerializer.SerializeToNode(AlertRequests.Valid(externalId, DemoCity.GridCode(Math.Abs(At) % 6, 0, 1)), CommandCenterApp.Json)!.AsObject();
            foreach (var (field, value, remove) in Changes)
            {
                if (remove)
                {
                    report.Remove(field);
                }
                else
                {
                    report[field] = value?.DeepClone();
                }
            }

            var text = report.ToJsonString();
            var at = Math.Abs(At) % (text.Length + 1);
            return Mangle switch
            {
                Mangling.Truncated => text[..at],
                Mangling.CharacterReplaced when at < text.Length => text[..at] + "\"{}[],:\\\u0000é"[Math.Abs(At) % 10] + text[(at + 1)..],
                Mangling.DuplicateKey => "{\"severity\":\"critical\"," + text[1..],
                Mangling.Wrapped => $"[{text}]",
                Mangling.TrailingGarbage => text + "}{",
                _ => text,
            };
        }

        public override string ToString() =>
            $"{string.Join(", ", Changes.Select(c => c.Remove ? $"-{c.Field}" : $"{c.Field}={Shorten(c.Value?.ToJsonString() ?? "null")}"))}; {Mangle} at {At}";

        private static string Shorten(string text) => text.Length > 40 ? $"{text[..40]}…({text.Length})" : text;
    }

    public enum Mangling
    {
        None,
        Truncated,
        CharacterReplaced,
        DuplicateKey,
        Wrapped,
        TrailingGarbage,
    }

    public static class Payloads
    {
        private static readonly string[] Fields =
            ["source", "externalId", "category", "severity", "gridCode", "occurredAt", "title", "description", "reporter", "location", "unknownField"];

        private static readonly string[] Dates =
        [
            "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-02-30T10:00:00Z", "1970-01-01", "2026-12-04T10:00:00+14:00",
            "2026-12-04T10:00:00-12:00", "-2026-01-01T00:00:00Z", "2026-12-04 10:00", "明天", "", "2126-01-01T00:00:00Z",
        ];

        public static Arbitrary<Payload> Payload()
        {
            var text = Gen.OneOf(
                ArbMap.Default.GeneratorFor<string>(),
                Gen.Elements("", " ", "\u0000", "😀", "\uD800", "\u202E反转", "网格", "<script>alert(1)</script>", "'; DROP TABLE Alerts; --"),
                Gen.Choose(0, 70_000).Select(length => new string('网', length)));
            var value = Gen.OneOf(
                Gen.Constant<JsonNode?>(null),
                text.Select(s => (JsonNode?)JsonValue.Create(s)),
                Gen.Elements(Dates).Select(s => (JsonNode?)JsonValue.Create(s)),
                ArbMap.Default.GeneratorFor<int>().Select(n => (JsonNode?)JsonValue.Create(n)),
                Gen.Elements(1e308, -0.0, 0.5, long.MaxValue).Select(n => (JsonNode?)JsonValue.Create(n)),
                Gen.Elements(true, false).Select(b => (JsonNode?)JsonValue.Create(b)),
                Gen.Constant<JsonNode?>(new JsonArray(1, "二", null)),
                Gen.Constant<JsonNode?>(new JsonObject { ["lat"] = 91, ["lon"] = "东经" }));
            var change =
                from field in Gen.Elements(Fields)
                from remove in Gen.Frequency((1, Gen.Constant(true)), (4, Gen.Constant(false)))
                from replacement in value
                select (field, replacement, remove);
            return (
                from changes in Gen.Choose(0, 3).SelectMany(count => change.ArrayOf(count))
                from mangle in Gen.Frequency((6, Gen.Constant(Mangling.None)), (1, Gen.Elements(Enum.GetValues<Mangling>())))
                from at in ArbMap.Default.GeneratorFor<int>()
                select new Payload(changes, mangle, at)).ToArbitrary();
        }
    }
}
