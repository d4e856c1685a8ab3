using CommandCenter.Core.Feed;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure;
using CommandCenter.Web.Access;
using System.Threading.RateLimiting;
using CommandCenter.Web.Hosting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Hubs;

/// <summary>What the hub calls on its clients.</summary>
public interface ICommandCenterClient
{
    Task AlertChanged(AlertChanged change);

    Task PetitionWarningChanged(PetitionWarningChanged change);

    Task DeploymentChanged(DeploymentChanged change);

    Task TeamStatusChanged(TeamStatusChanged change);

    /// <summary>An administrator created, edited or retired a team (<c>withdrawn</c>: drop it from this subtree).</summary>
    Task TeamChanged(TeamChanged change);

    Task LateReportCharged(LateReportCharged change);

    Task SilentGridsChanged(SilentGridsChanged change);

    /// <summary>
    /// This server lost its link to the other servers and has it back: changes made meanwhile (anywhere) may not have
    /// arrived. Read again through the API what you hold.
    /// </summary>
    Task Resync(ResyncNeeded notice);
}

/// <summary>Why a client should read its state again, and when the server noticed.</summary>
public sealed record ResyncNeeded(DateTimeOffset At, string Reason);

/// <summary>The node a connection now watches.</summary>
public sealed record SubscriptionInfo(string NodeCode, string NodeName, NodeLevel Level);

/// <summary>
/// Live changes for one node's subtree. A connection watches one node at a time: <see cref="Subscribe"/> replaces
/// the previous choice, so no change is delivered twice. A connection may subscribe
/// <c>RateLimits:HubSubscribesPerMinute</c> times a minute: a client looping on it costs every server a group change each time.
/// </summary>
[Microsoft.AspNetCore.Authorization.Authorize(Policy = Access.AccessPolicies.Wall + "-or-" + Access.AccessPolicies.Staff)]
public sealed class CommandCenterHub(ReferenceData reference, IOptions<RateLimitOptions> limits, LocalHubConnections local) : Hub<ICommandCenterClient>
{
    public const string Path = "/hubs/command-center";
    private const string SubscribedNode = "node";
    private const string SubscribeLimiter = "subscribe-limiter";

    public static string GroupFor(string nodeCode) => $"node:{nodeCode}";

    public async Task<SubscriptionInfo> Subscribe(string nodeCode)
    {
        using (var lease = Limiter().AttemptAcquire())
        {
            if (!lease.IsAcquired)
            {
                var seconds = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 60;
                throw new HubException(
                    $"Too many subscriptions: at most {limits.Value.HubSubscribesPerMinute} a minute on one connection. Try again in {seconds} s; the current subscription stays.");
            }
        }

        var node = reference.Map.Find(nodeCode ?? "")
            ?? throw new HubException($"Unknown node '{nodeCode}'. Subscribe to the city, a town, a community or a grid code.");
        var user = Context.User?.ToOperator() ?? throw new HubException("Sign in first.");
        if (!reference.Map.IsWithin(node.Code, user.NodeCode))
        {
            throw new HubException($"Node {node.Code} ({node.Name}) is outside your jurisdiction ({user.NodeCode}).");
        }

        if (Context.Items.TryGetValue(SubscribedNode, out var previous) && previous is string old && old != node.Code)
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupFor(old));
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, GroupFor(node.Code));
        Context.Items[SubscribedNode] = node.Code;
        return new SubscriptionInfo(node.Code, node.Name, node.Level);
    }

    public override Task OnConnectedAsync()
    {
        local.Add(Context.ConnectionId);
        return base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        local.Remove(Context.ConnectionId);
        if (Context.Items.Remove(SubscribeLimiter, out var limiter))
        {
            ((IDisposable)limiter!).Dispose();
        }

        return base.OnDisconnectedAsync(exception);
    }

    public async Task Unsubscribe()
    {
        if (Context.Items.Remove(SubscribedNode, out var previous) && previous is string old)
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, GroupFor(old));
        }
    }

    private FixedWindowRateLimiter Limiter()
    {
        if (Context.Items.TryGetValue(SubscribeLimiter, out var existing) && existing is FixedWindowRateLimiter limiter)
        {
            return limiter;
        }

        limiter = new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
        {
            PermitLimit = limits.Value.HubSubscribesPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });
        Context.Items[SubscribeLimiter] = limiter;
        return limiter;
    }
}

/// <summary>
/// The hub connections open on this server. With several servers SignalR's groups span all of them; a notice that
/// concerns only this server's clients (its link to the others came back) goes to these.
/// </summary>
public sealed class LocalHubConnections
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _ids = new(StringComparer.Ordinal);

    public void Add(string connectionId) => _ids.TryAdd(connectionId, 0);

    public void Remove(string connectionId) => _ids.TryRemove(connectionId, out _);

    public IReadOnlyList<string> Snapshot() => [.. _ids.Keys];
}
