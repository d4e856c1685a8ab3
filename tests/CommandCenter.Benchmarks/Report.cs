using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CommandCenter.Benchmarks;

/// <summary>One figure of the report: what was measured, its value, and the goal it is held against (if any).</summary>
public sealed record Figure(string Step, string Name, double? Value, string Unit, string? Goal = null, bool? GoalMet = null, string? Note = null)
{
    public string Shown => Value switch
    {
        null => "—",
        { } v when Unit == "×" => v.ToString("0.00", CultureInfo.InvariantCulture),
        { } v when Unit == "ms" && v < 10 => v.ToString("0.00", CultureInfo.InvariantCulture),
        { } v when Math.Abs(v) >= 1000 => v.ToString("#,0", CultureInfo.InvariantCulture),
        { } v when v == Math.Floor(v) => v.ToString("0", CultureInfo.InvariantCulture),
        { } v => v.ToString("0.0#", CultureInfo.InvariantCulture),
    };
}

/// <summary>The machine the figures came from: a number means little without it.</summary>
public sealed record MachineInfo(int Cores, double MemoryGiB, string Cpu, string Os, string Runtime, double LoadAverageAtStart)
{
    public static MachineInfo Current()
    {
        var memory = ReadProc("/proc/meminfo", "MemTotal:") is { } kb
            ? double.Parse(kb.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], CultureInfo.InvariantCulture) / (1024 * 1024)
            : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        var cpu = ReadProc("/proc/cpuinfo", "model name") is { } model ? model.TrimStart(':', ' ', '\t') : RuntimeInformation.ProcessArchitecture.ToString();
        var os = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?["PRETTY_NAME=".Length..].Trim('"')
            : null;
        return new MachineInfo(
            Environment.ProcessorCount,
            Math.Round(memory, 1),
            cpu,
            $"{os ?? RuntimeInformation.OSDescription}, kernel {Environment.OSVersion.Version}",
            $"{RuntimeInformation.FrameworkDescription} {RuntimeInformation.RuntimeIdentifier}",
            Report.LoadAverage());
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Cores} cores ({Cpu}), {MemoryGiB:0.#} GiB, {Os}, {Runtime}; load average {LoadAverageAtStart:0.##} at start");

    private static string? ReadProc(string path, string key) =>
        File.Exists(path) ? File.ReadLines(path).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal))?[key.Length..].Trim() : null;
}

/// <summary>Collects figures as the steps run, prints them as a Markdown table and writes them as JSON.</summary>
public sealed class Report(BenchSettings settings)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly List<Figure> _figures = [];
    private readonly Dictionary<string, object> _details = new(StringComparer.Ordinal);
    private readonly List<string> _failures = [];
    private readonly List<(string Title, string Markdown)> _tables = [];

    public MachineInfo Machine { get; } = MachineInfo.Current();

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public IReadOnlyList<string> Failures => _failures;

    public void Add(Figure figure)
    {
        _figures.Add(figure);
        Console.WriteLine($"  {figure.Step} · {figure.Name}: {figure.Shown} {figure.Unit}{(figure.Goal is null ? "" : $"  (goal {figure.Goal}: {Verdict(figure)})")}");
    }

    /// <summary>A table of its own under the main one (e.g. every run of a step).</summary>
    public void Table(string title, string markdown) => _tables.Add((title, markdown));

    /// <summary>Raw material behind the figures (per-run tables), kept in the JSON only.</summary>
    public void Detail(string key, object value) => _details[key] = value;

    public void Failed(string step, Exception error)
    {
        _failures.Add($"{step}: {error.GetType().Name}: {error.Message}");
        Console.Error.WriteLine($"!! {step} failed: {error}");
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"CommandCenter benchmarks ({(settings.Smoke ? "smoke" : "full")}), {StartedAt:yyyy-MM-dd HH:mm} UTC");
        text.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Machine}, {LoadAverage():0.##} at the end");
        text.AppendLine();
        text.AppendLine("| step | measurement | value | goal | |");
        text.AppendLine("|---|---|---:|---|---|");
        foreach (var f in _figures)
        {
            var value = f.Value is null ? "—" : $"{f.Shown} {f.Unit}";
            text.AppendLine(CultureInfo.InvariantCulture, $"| {f.Step} | {f.Name}{(f.Note is null ? "" : $" ({f.Note})")} | {value} | {f.Goal ?? ""} | {Verdict(f)} |");
        }

        foreach (var failure in _failures)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| **failed** | {failure.Replace('|', '/')} | | | |");
        }

        foreach (var (title, markdown) in _tables)
        {
            text.AppendLine();
            text.AppendLine(title);
            text.AppendLine();
            text.Append(markdown);
        }

        return text.ToString();
    }

    /// <summary>Writes the JSON report and returns its path.</summary>
    public string Write()
    {
        var path = settings.OutPath ?? Path.Combine(
            RepositoryRoot(), "TestResults", "benchmarks", $"benchmarks-{(settings.Smoke ? "smoke" : "full")}-{StartedAt:yyyyMMdd-HHmmss}.json");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var document = new
        {
            mode = settings.Smoke ? "smoke" : "full",
            startedAt = StartedAt,
            finishedAt = DateTimeOffset.UtcNow,
            machine = Machine,
            loadAverageAtEnd = LoadAverage(),
            figures = _figures.Select(f => new { f.Step, f.Name, f.Value, f.Unit, f.Goal, f.GoalMet, f.Note }),
            failures = _failures,
            details = _details,
        };
        File.WriteAllText(path, JsonSerializer.Serialize(document, Json));
        return Path.GetFullPath(path);
    }

    /// <summary>The 1-minute load average: on a shared machine it says how much else was running.</summary>
    public static double LoadAverage() => File.Exists("/proc/loadavg")
        ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture)
        : -1;

    /// <summary>The folder holding CommandCenter.sln above this program, for TestResults/.</summary>
    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CommandCenter.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }

    /// <summary>A smoke run's sizes are not the goals' sizes: it shows the goals but judges none.</summary>
    private string Verdict(Figure f) => f.GoalMet switch
    {
        not null when settings.Smoke => "(smoke: not judged)",
        true => "met",
        false => "**missed**",
        null => "",
    };
}
