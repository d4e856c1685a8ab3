using CommandCenter.Core.Access;
using CommandCenter.Core.Teams;
using CommandCenter.Infrastructure.Teams;
using CommandCenter.Infrastructure.Wall;
using CommandCenter.Testing;

namespace CommandCenter.Infrastructure.Tests.Wall;

/// <summary>
/// An administrator's team changes reach a wall's team panel through the feed exactly as a reload from the store
/// would show them: a new team appears, a team moved to another town leaves the old town's wall and joins the new
/// one's, a retired team disappears.
/// </summary>
public sealed class WallTeamChangeTests
{
    private static readonly Operator CityAdmin = new("u-admin", "系统管理员", Role.Admin, "330188");

    [Fact]
    public async Task FoldingAdminTeamChanges_EqualsLoadingFromTheStore_ForTheCityAndBothTowns()
    {
        using var dir = new TempDirectory();
        var feed = new RecordingFeed();
        await using var host = await StoreHost.StartAsync(dir.Path, feed: feed);
        string[] scopes = ["330188", "330188001", "330188002"];
        var folded = new Dictionary<string, WallProjection>();
        foreach (var scope in scopes)
        {
            folded[scope] = await LoadAsync(host, scope);
        }

        var admin = host.Get<TeamAdministration>();
        await admin.CreateAsync(new TeamDraft("TM-061", "湖滨应急队", TeamType.Medical, "330188001001", [new MemberDraft("张伟", MemberRole.Volunteer, null)], null), CityAdmin);
        var moved = TeamDraft.From((await admin.FindAsync("TM-007", CityAdmin))!);
        await admin.EditAsync("TM-007", moved with { NodeCode = "330188002", Position = null }, CityAdmin);
        await admin.RetireAsync("TM-008", CityAdmin);

        foreach (var scope in scopes)
        {
            foreach (var message in feed.Published)
            {
                folded[scope].Apply(message, message.At);
            }

            var loaded = await LoadAsync(host, scope);
            Assert.Equal(loaded.Teams.OrderBy(t => t.Code), folded[scope].Teams.OrderBy(t => t.Code));
        }

        Assert.Contains("TM-061", folded["330188001"].Teams.Select(t => t.Code));
        Assert.DoesNotContain("TM-007", folded["330188001"].Teams.Select(t => t.Code));
        Assert.Contains("TM-007", folded["330188002"].Teams.Select(t => t.Code));
        Assert.DoesNotContain("TM-008", folded["330188"].Teams.Select(t => t.Code));
    }

    private static async Task<WallProjection> LoadAsync(StoreHost host, string scope)
    {
        var reference = host.Get<ReferenceData>();
        var node = reference.Map.Find(scope)!;
        var projection = new WallProjection(node, reference, host.Time.GetUtcNow());
        projection.Load(await host.Get<IWallSnapshotSource>().LoadAsync(node, CancellationToken.None));
        return projection;
    }
}
