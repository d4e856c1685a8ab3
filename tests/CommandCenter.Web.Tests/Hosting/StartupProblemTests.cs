using CommandCenter.Testing;

namespace CommandCenter.Web.Tests.Hosting;

/// <summary>
/// A wrong store setting or an unreachable database ends the real process at start-up with one line naming the
/// setting — exit code 2, no stack trace — and the data directory's store is left untouched.
/// </summary>
public sealed class StartupProblemTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Theory]
    [InlineData("--Store:Provider=Oracle", "Store:Provider")]
    [InlineData("--Store:Provider=PostgreSQL", "ConnectionStrings:Store must name the PostgreSQL database")]
    [InlineData("--ConnectionStrings:Store=Host=127.0.0.1;Port=1;Database=cc;Username=cc;Password=secret-word", "ConnectionStrings:Store: the PostgreSQL store 127.0.0.1:1/cc cannot be reached")]
    [InlineData("--ConnectionStrings:Store=Hoost=db", "ConnectionStrings:Store: the PostgreSQL store (a connection string it cannot read)")]
    public async Task BadStoreSetting_EndsTheProcessWithOneLineNamingIt(string setting, string expected)
    {
        string[] args = [$"--DataDir={_dir.Path}", "--Store:Provider=PostgreSQL", setting];
        if (setting.StartsWith("--Store:Provider=", StringComparison.Ordinal))
        {
            args = [$"--DataDir={_dir.Path}", setting];
        }

        var run = await ProductProcess.RunAsync(args);

        Assert.Equal(2, run.ExitCode);
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("CommandCenter cannot start: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-word", run.All, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.All, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir.Path, "commandcenter.db")));
    }

    [Fact]
    public async Task AProxyThatIsNoAddress_EndsTheProcessWithOneLineNamingTheSetting()
    {
        var run = await ProductProcess.RunAsync([$"--DataDir={_dir.Path}", "--ForwardedHeaders:KnownProxies=10.0.0.5,gateway"]);

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal("CommandCenter cannot start: ForwardedHeaders:KnownProxies must list IP addresses, e.g. 10.0.0.5,10.0.0.6; 'gateway' is not one.", line);
    }

    public void Dispose() => _dir.Dispose();
}
