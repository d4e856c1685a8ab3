using CommandCenter.Testing;

namespace CommandCenter.Web.Tests;

/// <summary>A fresh app and data directory for every test: for tests that change the store.</summary>
public abstract class FreshAppTest : IDisposable
{
    private readonly TempDirectory _dir = new();

    protected FreshAppTest() => App = new CommandCenterApp(SeededStore.CopyInto(_dir.Path));

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

    public SharedApp() => App = new CommandCenterApp(SeededStore.CopyInto(_dir.Path));

    public CommandCenterApp App { get; }

    public void Dispose()
    {
        App.Dispose();
        _dir.Dispose();
    }
}

/// <summary>
/// The store as a first start on the fake clock leaves it (schema migrated, demo city imported, demo users created),
/// made once per test run and copied into each fresh data directory: the app then starts on a seeded store, as it
/// does on every start after its first. The tests of the first start itself build their own app.
/// </summary>
internal static class SeededStore
{
    private static readonly Lazy<string> Template = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Copies the seeded store into <paramref name="dataDir"/> and returns it.</summary>
    public static string CopyInto(string dataDir)
    {
        foreach (var file in Directory.GetFiles(Template.Value, "commandcenter.db*"))
        {
            File.Copy(file, Path.Combine(dataDir, Path.GetFileName(file)));
        }

        return dataDir;
    }

    private static string Create()
    {
        var dir = new TempDirectory("cc-seeded-store");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => dir.Dispose();
        using (new CommandCenterApp(dir.Path))
        {
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools(); // closes the last connection: SQLite folds the WAL in
        return dir.Path;
    }
}
