using CommandCenter.Infrastructure;
using CommandCenter.Web.Hosting;

// A command-line verb (create-admin, import-city, …) acts on the store with the server's settings and exits.
if (CommandLine.Parse(args) is { } command)
{
    return await command.RunAsync();
}

var builder = WebApplication.CreateBuilder(CommandLine.HostOptions(args));
builder.AddCommandCenter();

var app = builder.Build();
if (await StartupChecks.ProblemAsync(app.Services) is { } problem)
{
    await Console.Error.WriteLineAsync($"CommandCenter cannot start: {problem}");
    return 2;
}

app.UseCommandCenter();
// Read before the host runs: its services are disposed once it has stopped.
var scheduler = app.Services.GetRequiredService<SchedulerHost>();
var endProcess = app.Configuration.GetValue("Hosting:EndProcessWhenStopped", true);
app.Run();

// Threads of a job scheduler given up on at shutdown (its store unreachable) still retry the store, and would keep a
// stopped server alive for ever. Not where the host is embedded (the tests run this file inside their own process).
if (scheduler.LeftRunning && endProcess)
{
    Environment.Exit(0);
}

return 0;

/// <summary>Visible to tests (WebApplicationFactory).</summary>
public partial class Program;
