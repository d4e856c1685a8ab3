using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using CommandCenter.Core.Catalog;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Seeding;

namespace CommandCenter.Testing;

/// <summary>
/// A city of any size from the seed generator (seeds/tools/generate_seeds.py), written once per size and test run
/// into a temp folder: the four seed files, ready as a <c>SeedDir</c>. The demo city is 6 × 5 × 10.
/// </summary>
public sealed record CitySize(int Towns, int CommunitiesPerTown, int GridsPerCommunity)
{
    /// <summary>The size a large real city has: 30 towns, 600 communities, 12,000 grids.</summary>
    public static CitySize Large { get; } = new(30, 20, 20);

    public int Communities => Towns * CommunitiesPerTown;

    public int Grids => Communities * GridsPerCommunity;

    public override string ToString() => $"{Towns}x{CommunitiesPerTown}x{GridsPerCommunity}";
}

public static class GeneratedCity
{
    private static readonly ConcurrentDictionary<CitySize, Lazy<string>> Written = CleanedUpAtExit();
    private static readonly ConcurrentDictionary<CitySize, Lazy<DemoSeed>> Read = new();

    /// <summary>The seed folder of a generated city of this size (generated on first use, kept for the test run).</summary>
    public static string SeedDir(CitySize size) =>
        Written.GetOrAdd(size, s => new Lazy<string>(() => Generate(s, Path.Combine(Path.GetTempPath(), $"cc-city-{s}-{Environment.ProcessId}")))).Value;

    /// <summary>The generated city's seed as the app reads it, read once per size and test run.</summary>
    public static DemoSeed Seed(CitySize size) =>
        Read.GetOrAdd(size, s => new Lazy<DemoSeed>(() => SeedReader.ReadAsync(SeedDir(s)).GetAwaiter().GetResult())).Value;

    /// <summary>Reference data of the generated city as the app loads it, without a store.</summary>
    public static ReferenceData Reference(CitySize size)
    {
        var seed = Seed(size);
        var reference = new ReferenceData();
        reference.Load(new CityMap(seed.Nodes), new CategoryTree(seed.Categories), [seed.Policy]);
        return reference;
    }

    private static ConcurrentDictionary<CitySize, Lazy<string>> CleanedUpAtExit()
    {
        var written = new ConcurrentDictionary<CitySize, Lazy<string>>();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var folder in written.Values.Where(f => f.IsValueCreated))
            {
                try
                {
                    Directory.Delete(folder.Value, recursive: true);
                }
                catch (IOException)
                {
                    // Best effort: a temp folder left behind is harmless.
                }
            }
        };
        return written;
    }

    /// <summary>Runs the generator into <paramref name="folder"/> and returns it; throws with the generator's output when it fails.</summary>
    public static string Generate(CitySize size, string folder)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "seeds", "tools", "generate_seeds.py");
        var start = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            script,
            "--towns", size.Towns.ToString(CultureInfo.InvariantCulture),
            "--communities-per-town", size.CommunitiesPerTown.ToString(CultureInfo.InvariantCulture),
            "--grids-per-community", size.GridsPerCommunity.ToString(CultureInfo.InvariantCulture),
            "--out", folder,
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"The seed generator failed ({process.ExitCode}): {output.Result}{errors}");
        }

        return folder;
    }
}
