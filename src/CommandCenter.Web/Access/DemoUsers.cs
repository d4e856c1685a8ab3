using CommandCenter.Core.Access;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.AspNetCore.Identity;

namespace CommandCenter.Web.Access;

/// <summary>Settings under <c>Demo</c>.</summary>
public sealed class DemoOptions
{
    /// <summary>Create the demo users below (on for the README's run command, off otherwise: no default passwords).</summary>
    public bool SeedUsers { get; set; }
}

/// <summary>One demo user per role and jurisdiction, so a newcomer can try every seat.</summary>
public static class DemoUsers
{
    public const string Password = "Demo@2026";

    public static readonly IReadOnlyList<(string UserName, string DisplayName, Role Role, string NodeCode)> All =
    [
        ("admin", "系统管理员", Role.Admin, "330188"),
        ("leader", "王市长", Role.Leader, "330188"),
        ("leader-hubin", "湖滨街道主任", Role.Leader, "330188001"),
        ("duty", "市值班员", Role.DutyOfficer, "330188"),
        ("duty-hubin", "湖滨街道值班员", Role.DutyOfficer, "330188001"),
        ("staff-hubin", "湖滨街道处置员", Role.Staff, "330188001"),
        ("staff-wangjiang", "望江街道处置员", Role.Staff, "330188002"),
        ("staff-cuiyuan", "翠苑社区网格长", Role.Staff, "330188001001"),
        ("wall", "指挥大屏", Role.Wall, "330188"),
        ("wall-hubin", "湖滨街道大屏", Role.Wall, "330188001"),
    ];

    /// <summary>Creates the roles always, and the demo users when asked; existing users are left alone.</summary>
    public static async Task SeedAsync(IServiceProvider services, bool withUsers, ILogger logger)
    {
        using var scope = services.CreateScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in Enum.GetNames<Role>())
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole(role));
            }
        }

        if (!withUsers)
        {
            return;
        }

        var users = scope.ServiceProvider.GetRequiredService<UserManager<CommandCenterUser>>();
        foreach (var (userName, displayName, role, node) in All)
        {
            if (await users.FindByNameAsync(userName) is not null)
            {
                continue;
            }

            var user = new CommandCenterUser { UserName = userName, DisplayName = displayName, NodeCode = node };
            var created = await users.CreateAsync(user, Password);
            if (!created.Succeeded)
            {
                throw new InvalidOperationException($"Could not create demo user {userName}: {string.Join("; ", created.Errors.Select(e => e.Description))}");
            }

            await users.AddToRoleAsync(user, role.ToString());
        }

        logger.LogInformation("Demo users ready: {Users} (password {Password})", string.Join(", ", All.Select(u => u.UserName)), Password);
    }
}

/// <summary>Seeds roles (and demo users when <see cref="DemoOptions.SeedUsers"/>) once the store is up.</summary>
internal sealed class DemoUserSeeder(
    IServiceProvider services, Microsoft.Extensions.Options.IOptions<DemoOptions> options, IHostEnvironment environment, ILogger<DemoUserSeeder> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Demo users share one published password: a production or staging server must never have them, whatever
        // its settings say.
        if (options.Value.SeedUsers && (environment.IsProduction() || environment.IsStaging()))
        {
            throw new InvalidOperationException(
                $"Demo:SeedUsers is on in {environment.EnvironmentName}: demo users have a published password and exist only in Development. " +
                "Turn the setting off and create the first administrator with the create-admin command.");
        }

        return DemoUsers.SeedAsync(services, options.Value.SeedUsers, logger);
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
