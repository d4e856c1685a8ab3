using CommandCenter.Core;
using CommandCenter.Core.Access;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Policies;
using CommandCenter.Infrastructure.Alerts;
using CommandCenter.Infrastructure.Workflow;
using CommandCenter.Testing;

namespace CommandCenter.Infrastructure.Tests.Workflow;

/// <summary>
/// The people of the workflow tests. The alerts sit in <see cref="AlertGrid"/>: town 330188001 (湖滨街道), community
/// 330188001002; town 330188002 (望江街道) is someone else's jurisdiction.
/// </summary>
internal static class Staff
{
    public const string CityCode = "330188";
    public const string TownCode = "330188001";
    public const string OtherTownCode = "330188002";
    public const string CommunityCode = "330188001002";

    public static readonly string AlertGrid = DemoCity.GridCode(0, 1, 2);

    /// <summary>Another grid of the alert's community, for a second alert that must not merge into the first.</summary>
    public static string DemoGrid(int sequence) => DemoCity.GridCode(0, 1, sequence);

    public static readonly Operator TownStaff = new("u-hubin-1", "陈静", Role.Staff, TownCode);
    public static readonly Operator TownColleague = new("u-hubin-2", "刘洋", Role.Staff, TownCode);
    public static readonly Operator NeighbourTownStaff = new("u-wangjiang", "周涛", Role.Staff, OtherTownCode);
    public static readonly Operator CommunityStaff = new("u-cuiyuan", "孙丽", Role.Staff, CommunityCode);
    public static readonly Operator NeighbourCommunityStaff = new("u-yanghu", "赵磊", Role.Staff, "330188001003");
    public static readonly Operator CityDutyOfficer = new("u-city-duty", "王值班", Role.DutyOfficer, CityCode);
    public static readonly Operator Wall = new("u-wall", "指挥大屏", Role.Wall, CityCode);
}

internal static class WorkflowStoreHostExtensions
{
    /// <summary>Raises a theft (0101, General) through ingestion, as the hotline would, and returns its id.</summary>
    public static async Task<Guid> RaiseAsync(this StoreHost host, string? gridCode = null, string externalId = "ext-1")
    {
        var result = await host.Get<AlertIngestionService>().IngestAsync(Reports.InGrid(gridCode ?? Staff.AlertGrid, externalId), Actors.Hotline);
        return result.Alert.Id;
    }

    /// <summary>The seeded policy's stage limits for the alerts <see cref="RaiseAsync"/> raises.</summary>
    public static StageDeadlines TheftDeadlines(this StoreHost host)
    {
        var reference = host.Get<ReferenceData>();
        return reference.CurrentPolicy.DeadlinesFor("0101", Severity.General, reference.Categories);
    }

    public static Task<Alert?> ApplyAsync(this StoreHost host, Guid alertId, AlertAction action, Operator by, string? comment = null) =>
        host.Get<AlertWorkflowService>().ApplyAsync(alertId, action, by, comment);

    /// <summary>"Now" as the services stamp it.</summary>
    public static DateTimeOffset Now(this StoreHost host) => host.Time.Now();
}
