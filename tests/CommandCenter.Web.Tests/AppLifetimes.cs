using CommandCenter.Testing;

namespace CommandCenter.Web.Tests;

/// <summary>A fresh app and data directory for every test: for tests that change the store.</summary>
public abstract class FreshAppTest : IDisposable
{
    private readonly TempDirectory _dir = new();

    protected FreshAppTest() => App = new CommandCenterApp(_dir.Path);

    protected CommandCenterApp App { get; }

    public void Dispose()
    {
        App.Dispose();
        _dir.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>One app shared by a test class (xunit class fixture): for tests that store nothing.</summary>
public sealed class SharedApp : IDisposable
{
    private readonly TempDirectory _dir = new();

    public SharedApp() => App = new CommandCenterApp(_dir.Path);

    public CommandCenterApp App { get; }

    public void Dispose()
    {
        App.Dispose();
        _dir.Dispose();
    }
}
