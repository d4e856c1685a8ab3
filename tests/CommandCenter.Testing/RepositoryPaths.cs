namespace CommandCenter.Testing;

/// <summary>The repository the tests run from: found by walking up from the test's build output to <c>CommandCenter.sln</c>.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(dir.FullName, "CommandCenter.sln")))
        {
            dir = dir.Parent ?? throw new InvalidOperationException($"CommandCenter.sln not found above {AppContext.BaseDirectory}.");
        }

        return dir.FullName;
    }
}
