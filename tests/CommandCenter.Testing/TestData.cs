using CommandCenter.Core.Catalog;
using CommandCenter.Core.Hierarchy;
using CommandCenter.Infrastructure;
using CommandCenter.Infrastructure.Seeding;

namespace CommandCenter.Testing;

/// <summary>The real demo-city seed (seeds/ copied next to the test assembly), read once per test run.</summary>
public static class DemoCity
{
    private static readonly Lazy<DemoSeed> Seed = new(() => SeedReader.ReadAsync(SeedDir).GetAwaiter().GetResult());

    public static string SeedDir => Path.Combine(AppContext.BaseDirectory, "seeds");

    public static DemoSeed Load() => Seed.Value;

    public static CityMap Map() => new(Load().Nodes);

    public static CategoryTree Categories() => new(Load().Categories);

    /// <summary>Reference data as the app loads it, without a store.</summary>
    public static ReferenceData Reference()
    {
        var reference = new ReferenceData();
        reference.Load(Map(), Categories(), [Load().Policy]);
        return reference;
    }

    /// <summary>A grid of the given town (index 0–5), community (0–4) and sequence (1–10).</summary>
    public static string GridCode(int town, int community, int sequence) =>
        $"330188{town + 1:D3}{community + 1:D3}{sequence:D3}";

    public static string TownCode(int town) => $"330188{town + 1:D3}";
}

/// <summary>A fresh folder under /tmp for one test's data directory; deleted afterwards.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "cc-test")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>Copies the demo seeds here, so a test can break a copy.</summary>
    public string CopySeeds()
    {
        var target = System.IO.Path.Combine(Path, "seeds");
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(DemoCity.SeedDir, "*.json").Concat(Directory.GetFiles(DemoCity.SeedDir, "*.geojson")))
        {
            File.Copy(file, System.IO.Path.Combine(target, System.IO.Path.GetFileName(file)));
        }

        return target;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a finishing host: /tmp is cleaned anyway.
        }
    }
}
