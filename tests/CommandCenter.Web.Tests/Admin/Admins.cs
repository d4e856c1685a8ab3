using CommandCenter.Core.Access;
using CommandCenter.Web.Access;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Web.Tests.Admin;

/// <summary>The administrators the admin tests act as: the demo city admin and a town admin of 湖滨街道.</summary>
internal static class Admins
{
    public const string HubinTown = "330188001";
    public const string WangjiangTown = "330188002";

    /// <summary>A strong password that meets the policy, for accounts a test creates.</summary>
    public const string Password = "Strong#2026pw";

    public static UserAdministration Users(this CommandCenterApp app) => app.Services.GetRequiredService<UserAdministration>();

    /// <summary>The demo "admin", bound to the city node.</summary>
    public static Task<Administrator> CityAsync(CommandCenterApp app) => AsAsync(app, "admin");

    /// <summary>"admin-hubin", an Admin bound to 湖滨街道, created by the city admin on first use.</summary>
    public static async Task<Administrator> HubinAsync(CommandCenterApp app)
    {
        await using (var db = app.NewDbContext())
        {
            if (!await db.Users.AnyAsync(u => u.UserName == "admin-hubin"))
            {
                var created = await app.Users().CreateAsync(new NewUser("admin-hubin", "湖滨街道管理员", Role.Admin, HubinTown), Password, await CityAsync(app));
                Assert.True(created.Succeeded, created.Message);
            }
        }

        return await AsAsync(app, "admin-hubin");
    }

    /// <summary>A client signed in as admin-hubin, who has already replaced the password the city admin gave them.</summary>
    public static async Task<HttpClient> HubinClientAsync(CommandCenterApp app)
    {
        var hubin = await HubinAsync(app);
        var settled = await app.Users().ChangeOwnPasswordAsync(hubin.UserId!, Password, Settled, hubin.Actor);
        Assert.True(settled.Succeeded, settled.Message);
        return await app.SignedInClientAsync("admin-hubin", Settled);
    }

    /// <summary>The password admin-hubin chose for themselves.</summary>
    public const string Settled = "Settled#2026pw";

    public static async Task<Administrator> AsAsync(CommandCenterApp app, string userName)
    {
        await using var db = app.NewDbContext();
        var user = await db.Users.SingleAsync(u => u.UserName == userName);
        return Administrator.Of(new Operator(user.Id, user.DisplayName, Role.Admin, user.NodeCode));
    }
}
