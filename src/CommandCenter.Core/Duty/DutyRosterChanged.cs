using CommandCenter.Core.Feed;
using CommandCenter.Core.Hierarchy;

namespace CommandCenter.Core.Duty;

/// <summary>
/// A node's duty roster was saved, imported or deleted: screens showing who is on duty there read it again. It
/// carries no roster (a roster is one small row to read), only whose it is; scoped to the node's path.
/// </summary>
public sealed record DutyRosterChanged(NodePath Scope, DateTimeOffset At, string NodeCode) : FeedMessage(Scope, At);
