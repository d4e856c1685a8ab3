using System.Runtime.CompilerServices;
using CommandCenter.Core;
using CommandCenter.Core.Alerts;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Hotspots;
using CommandCenter.Web.Access;
using CommandCenter.Web.Wall;

namespace CommandCenter.Web.Api;

/// <summary>The leaders' exports of the hotspot drill-down: the ranking of a node's children and its alerts, as CSV.</summary>
public static class HotspotEndpoints
{
    public static RouteGroupBuilder MapHotspotEndpoints(this RouteGroupBuilder api)
    {
        var hotspots = api.MapGroup("/hotspots").WithTags("Hotspots").RequireAuthorization(AccessPolicies.Leader);
        hotspots.MapGet("/{code}/ranking.csv", RankingAsync)
            .WithSummary("The node's children ranked by hotspot score, with reports in the period and the one before (环比). Leader and above.");
        hotspots.MapGet("/{code}/alerts.csv", AlertsAsync)
            .WithSummary("Every alert reported in the node during the period, newest first. Leader and above.");
        return api;
    }

    private static async Task<IResult> RankingAsync(string code, string? from, string? to, HttpContext http, HotspotService service, ReferenceData reference, CancellationToken ct)
    {
        var checkedRequest = Check(code, from, to, http, reference);
        if (checkedRequest.Problem is { } problem)
        {
            return problem;
        }

        var (start, end) = checkedRequest.Period!.Value;
        var view = await service.ViewAsync(code, start, end, ct);
        string[] header = ["rank", "code", "name", "score", "open", "general", "major", "serious", "critical", "overdue", "petition_warnings", "reported", "reported_before", "change"];
        return Csv.File($"hotspots-{code}.csv", view.Ranking.Select((row, i) => Csv.Line(
            i + 1, row.Node.Code, row.Node.Name, row.Load.Score, row.Load.OpenAlerts, row.Load.General, row.Load.Major, row.Load.Serious, row.Load.Critical,
            row.Load.Overdue, row.Load.PetitionWarnings, row.Reported, row.ReportedBefore, row.Change is { } c ? Math.Round(c, 4) : null)).Prepend(Csv.Line(header)));
    }

    private static IResult AlertsAsync(string code, string? from, string? to, HttpContext http, HotspotService service, ReferenceData reference, CancellationToken ct)
    {
        var checkedRequest = Check(code, from, to, http, reference);
        if (checkedRequest.Problem is { } problem)
        {
            return problem;
        }

        var (start, end) = checkedRequest.Period!.Value;
        return Csv.File($"alerts-{code}.csv", Lines(ct));

        async IAsyncEnumerable<string> Lines([EnumeratorCancellation] CancellationToken cancel)
        {
            yield return Csv.Line("id", "reported_at", "occurred_at", "town", "community", "grid", "category", "severity", "source", "title", "state", "handler", "repeats", "late_report", "missed_report");
            var map = reference.Map;
            await foreach (var a in service.AlertsAsync(code, start, end, cancel))
            {
                yield return Csv.Line(a.Id, CityClock.Local(a.ReportedAt).ToString("yyyy-MM-dd HH:mm:ss"), CityClock.Local(a.OccurredAt).ToString("yyyy-MM-dd HH:mm:ss"),
                    map.Find(a.TownCode)?.Name, map.Find(a.CommunityCode)?.Name, map.Find(a.GridCode)?.Name,
                    reference.Categories.Find(a.CategoryCode)?.Name ?? a.CategoryCode, a.Severity, a.Source, a.Title, a.State, a.HandlerName,
                    a.RepeatCount, a.IsLateReport, a.IsMissedReport);
            }
        }
    }

    /// <summary>The node must be in the caller's jurisdiction and the period well formed.</summary>
    private static (IResult? Problem, (DateTimeOffset From, DateTimeOffset To)? Period) Check(string code, string? from, string? to, HttpContext http, ReferenceData reference)
    {
        var user = http.User.ToOperator()!;
        if (reference.Map.Find(code) is null)
        {
            return (TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such node.", detail: $"'{code}' is not a node of {reference.Map.City.Name}."), null);
        }

        if (!reference.Map.IsWithin(code, user.NodeCode))
        {
            return (TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not allowed.", detail: $"{reference.Map.Find(code)!.Name} is outside your jurisdiction."), null);
        }

        var errors = new FieldErrors();
        var start = errors.Time("from", from, required: true);
        var end = errors.Time("to", to, required: true);
        if (start is not null && end is not null && end <= start)
        {
            errors.Add("to", "to must be after from.");
        }

        return errors.Any ? (JsonBody.Invalid(errors), null) : (null, (start!.Value, end!.Value));
    }
}
