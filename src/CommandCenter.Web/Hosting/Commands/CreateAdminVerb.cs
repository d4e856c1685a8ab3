using System.Text;
using CommandCenter.Core.Access;
using CommandCenter.Core.Audit;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Persistence;
using Microsoft.AspNetCore.Identity;

namespace CommandCenter.Web.Hosting.Commands;

/// <summary>
/// <c>create-admin --user NAME [--node CODE] [--display-name NAME]</c>: the first administrator of a new command
/// centre. The password comes from <c>CC_ADMIN_PASSWORD</c>, else from standard input (asked twice on a terminal,
/// one line from a pipe), so it never appears in a process list or a shell's history.
/// </summary>
internal sealed class CreateAdminVerb : IVerb
{
    public const string PasswordVariable = "CC_ADMIN_PASSWORD";

    public string Name => "create-admin";

    public string Usage => "create-admin --user NAME [--node CODE] [--display-name NAME]";

    public IReadOnlySet<string> ValueOptions { get; } = new HashSet<string> { "--user", "--node", "--display-name" };

    public IReadOnlySet<string> Flags { get; } = new HashSet<string>();

    public int Positionals => 0;

    public async Task<int> RunAsync(IServiceProvider services, VerbArguments arguments, CancellationToken ct)
    {
        if (arguments.Value("--user") is not { Length: > 0 } userName)
        {
            await Console.Error.WriteLineAsync($"{Name}: --user NAME is needed. Usage: {Usage}");
            return CommandLine.Usage;
        }

        var reference = services.GetRequiredService<ReferenceData>();
        var node = arguments.Value("--node");
        if (node is not null && (!reference.HasCity || !reference.Map.Contains(node)))
        {
            await Console.Error.WriteLineAsync(reference.HasCity
                ? $"{Name}: node '{node}' is not in the city map."
                : $"{Name}: no city map is imported yet, so --node cannot be checked; leave it out (the administrator then works for the whole city) or import the city first.");
            return CommandLine.Refused;
        }

        using var scope = services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CommandCenterUser>>();
        if (await users.FindByNameAsync(userName) is not null)
        {
            await Console.Error.WriteLineAsync($"{Name}: user '{userName}' already exists; nothing was changed.");
            return CommandLine.Refused;
        }

        var password = Environment.GetEnvironmentVariable(PasswordVariable) is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : ReadPassword(userName);
        if (password is null)
        {
            await Console.Error.WriteLineAsync($"{Name}: no password given (set {PasswordVariable} or type it on standard input).");
            return CommandLine.Refused;
        }

        var user = new CommandCenterUser
        {
            UserName = userName,
            DisplayName = arguments.Value("--display-name") ?? userName,
            NodeCode = node ?? (reference.HasCity ? reference.Map.City.Code : CommandCenterUser.WholeCity),
        };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            await Console.Error.WriteLineAsync($"{Name}: the password was refused: {string.Join(" ", created.Errors.Select(e => e.Description))}");
            return CommandLine.Refused;
        }

        await users.AddToRoleAsync(user, nameof(Role.Admin));
        var db = scope.ServiceProvider.GetRequiredService<CommandCenterDbContext>();
        db.AuditEntries.Add(AuditEntry.ForAdmin(
            AuditSubject.User, userName, AuditAction.UserCreated, Actor.System("command-line"), services.GetRequiredService<TimeProvider>().GetUtcNow(), $"Admin@{user.NodeCode}"));
        await db.SaveChangesAsync(ct);
        Console.WriteLine($"Administrator '{userName}' created for node {user.NodeCode}. Sign in at /signin.");
        return CommandLine.Success;
    }

    /// <summary>One line from a pipe; on a terminal, typed twice without echo.</summary>
    private static string? ReadPassword(string userName)
    {
        if (Console.IsInputRedirected)
        {
            return Console.In.ReadLine();
        }

        var first = Prompt($"Password for {userName}: ");
        var second = Prompt("Repeat it: ");
        if (first != second)
        {
            Console.Error.WriteLine("The two passwords differ.");
            return null;
        }

        return first.Length == 0 ? null : first;
    }

    private static string Prompt(string label)
    {
        Console.Write(label);
        var typed = new StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace)
            {
                typed.Length = Math.Max(0, typed.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                typed.Append(key.KeyChar);
            }
        }

        Console.WriteLine();
        return typed.ToString();
    }
}
