using System.Linq.Expressions;
using CommandCenter.Core.Alerts;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Core.Petitions;

namespace CommandCenter.Infrastructure.Persistence;

/// <summary>
/// "Everything under this node" as a query the store can index: each record carries its town, community and grid
/// codes, so a subtree is one equality, never a walk of the tree. "Still open" is said here once too, since the
/// store cannot run <see cref="AlertRules.IsOpen"/> and each restatement of it could drift from the domain's.
/// </summary>
public static class SubtreeQueries
{
    /// <summary>
    /// <see cref="AlertRules.IsOpen"/> as a condition the store translates (not Closed, not Voided). A compiled
    /// query names it directly: EF cannot look inside <see cref="WhereOpen"/> there.
    /// </summary>
    internal static readonly Expression<Func<Alert, bool>> IsOpen = a => a.State != AlertState.Closed && a.State != AlertState.Voided;

    /// <summary>Alerts still open: <see cref="IsOpen"/>.</summary>
    public static IQueryable<Alert> WhereOpen(this IQueryable<Alert> alerts) => alerts.Where(IsOpen);

    public static IQueryable<Alert> InSubtree(this IQueryable<Alert> alerts, AdminNode node) => node.Level switch
    {
        NodeLevel.City => alerts,
        NodeLevel.Town => alerts.Where(a => a.TownCode == node.Code),
        NodeLevel.Community => alerts.Where(a => a.CommunityCode == node.Code),
        _ => alerts.Where(a => a.GridCode == node.Code),
    };

    /// <summary>A warning raised at community level has no grid: it belongs to the community's subtree, not to a grid's.</summary>
    public static IQueryable<PetitionWarning> InSubtree(this IQueryable<PetitionWarning> warnings, AdminNode node) => node.Level switch
    {
        NodeLevel.City => warnings,
        NodeLevel.Town => warnings.Where(w => w.TownCode == node.Code),
        NodeLevel.Community => warnings.Where(w => w.CommunityCode == node.Code),
        _ => warnings.Where(w => w.GridCode == node.Code),
    };

    /// <summary>
    /// <see cref="AlertRules.IsMajorOrWorse"/> as a set the store can match. Severities are stored by name, so an
    /// ordering comparison in SQL would compare text ("Critical" sorts before "Major") and miss the gravest.
    /// </summary>
    public static IQueryable<Alert> WhereMajorOrWorse(this IQueryable<Alert> alerts) => alerts.Where(a => MajorOrWorse.Contains(a.Severity));

    private static readonly Severity[] MajorOrWorse = [.. Enum.GetValues<Severity>().Where(AlertRules.IsMajorOrWorse)];
}
