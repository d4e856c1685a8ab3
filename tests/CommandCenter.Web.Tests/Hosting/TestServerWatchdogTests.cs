using System.Diagnostics;
using CommandCenter.Testing;

namespace CommandCenter.Web.Tests.Hosting;

/// <summary>
/// The tests' own PostgreSQL outlives a test process that is killed before its exit handlers run (pg_ctl starts it on
/// its own): its watchdog must then stop it and delete its folder, or killed runs fill the disk with clusters.
/// </summary>
public sealed class TestServerWatchdogTests
{
    [Fact]
    public async Task OwnerKilled_ServerStopsAndItsFolderIsDeleted()
    {
        using var owner = Process.Start(new ProcessStartInfo("sleep", ["600"]) { UseShellExecute = false })!;
        var server = PostgresServer.StartOwnedBy(owner);
        Assert.True(server.IsRunning);

        owner.Kill();
        var deadline = Stopwatch.StartNew();
        while ((server.IsRunning || Directory.Exists(server.Folder)) && deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(200);
        }

        Assert.False(server.IsRunning, "The server still answers after its owner was killed.");
        Assert.False(Directory.Exists(server.Folder), "The server's folder is still there after its owner was killed.");
    }
}
