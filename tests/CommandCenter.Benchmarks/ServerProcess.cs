using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using CommandCenter.Testing;
using Microsoft.Diagnostics.NETCore.Client;

namespace CommandCenter.Benchmarks;

/// <summary>
/// A server under test in its own process on a free loopback port: the product (its own Release build output, as
/// <c>dotnet run -c Release</c> starts it) or the harness's bare baseline. Its own process, so its working set is
/// its own and its GC does not see the clients' garbage. Output is drained (a full pipe would block its logger)
/// and counted.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _tail = new();
    private readonly TempDirectory? _dataDir;
    private long _outputLines;

    private ServerProcess(string name, Process process, Uri baseAddress, TempDirectory? dataDir)
    {
        Name = name;
        _process = process;
        BaseAddress = baseAddress;
        _dataDir = dataDir;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }

    public Uri BaseAddress { get; }

    /// <summary>From the process's start to its first ready answer.</summary>
    public TimeSpan StartedIn { get; private set; }

    public int ProcessId => _process.Id;

    /// <summary>Lines the server wrote to stdout/stderr so far (the product logs to the console).</summary>
    public long OutputLines => Interlocked.Read(ref _outputLines);

    public string Tail => string.Join('\n', _tail);

    /// <summary>The product's project folder and Release/Debug build output, as recorded when this harness was built.</summary>
    public static (string ProjectDir, string Dll) ProductBuild()
    {
        var metadata = typeof(ServerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
        var dll = metadata["CommandCenter.Web.Dll"]!;
        return File.Exists(dll)
            ? (metadata["CommandCenter.Web.Project"]!, dll)
            : throw new FileNotFoundException($"The product's build output is missing: {dll}. Build the harness with -c Release (it builds the product).");
    }

    /// <summary>
    /// The product on the embedded metric store, simulator off, demo users and API keys on (the Development settings
    /// that <c>dotnet run</c> uses), a fresh data directory, and only the given extra settings.
    /// </summary>
    public static async Task<ServerProcess> StartProductAsync(IDictionary<string, string>? settings = null) =>
        await StartProductAsync(new TempDirectory("cc-bench-app"), settings);

    /// <summary>The product on a data directory that already holds a store (it is deleted when the server is disposed).</summary>
    public static async Task<ServerProcess> StartProductAsync(TempDirectory dataDir, IDictionary<string, string>? settings = null)
    {
        var (projectDir, dll) = ProductBuild();
        var port = LoopbackPorts.Free();
        var url = $"http://127.0.0.1:{port}";
        // The harness measures the server, not its rate limits: one key posts the whole load and one address signs in
        // every wall. The memory step opens walls in frames of a page of the same server, as a portal would.
        List<string> args =
        [
            dll, "--urls", url, "--DataDir", dataDir.Path, "--Simulator:Enabled=false",
            "--RateLimits:IngestPerKeyPerSecond=1000000", "--RateLimits:IngestBurst=1000000", "--RateLimits:SignInPerMinute=1000000",
            "--Security:FrameAncestors:0='self'",
        ];
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            args.Add($"--{key}={value}");
        }

        var start = new ProcessStartInfo("dotnet", args) { WorkingDirectory = projectDir };
        foreach (var (name, value) in LaunchProfileEnvironment(projectDir))
        {
            start.Environment[name] = value;
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        return await StartAsync("product", start, new Uri(url + "/"), dataDir, "readyz");
    }

    /// <summary>
    /// The environment <c>dotnet run</c> gives the product: the variables of its launch profile (Development, and the
    /// runtime settings the product ships with).
    /// </summary>
    public static IReadOnlyDictionary<string, string> LaunchProfileEnvironment(string projectDir)
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(projectDir, "Properties", "launchSettings.json")));
        var profile = settings.RootElement.GetProperty("profiles").EnumerateObject()
            .Select(p => p.Value)
            .First(p => p.GetProperty("commandName").GetString() == "Project");
        return profile.TryGetProperty("environmentVariables", out var variables)
            ? variables.EnumerateObject().ToDictionary(v => v.Name, v => v.Value.GetString() ?? "", StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
    }

    /// <summary>This harness again, serving the bare baseline (<see cref="BaselineServer"/>).</summary>
    public static async Task<ServerProcess> StartBaselineAsync()
    {
        var port = LoopbackPorts.Free();
        var url = $"http://127.0.0.1:{port}";
        var self = Environment.ProcessPath!;
        List<string> args = Path.GetFileNameWithoutExtension(self) == "dotnet" ? [typeof(ServerProcess).Assembly.Location] : [];
        args.AddRange([BaselineServer.Verb, "--urls", url]);
        var start = new ProcessStartInfo(self, args);
        return await StartAsync("baseline", start, new Uri(url + "/"), null, "healthz");
    }

    private static async Task<ServerProcess> StartAsync(string name, ProcessStartInfo start, Uri baseAddress, TempDirectory? dataDir, string readyPath)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        var server = new ServerProcess(name, process, baseAddress, dataDir);
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(120))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The {name} exited with {process.ExitCode} while starting:\n{server.Tail}");
            }

            try
            {
                using var ready = await http.GetAsync(readyPath);
                if (ready.IsSuccessStatusCode)
                {
                    server.StartedIn = clock.Elapsed;
                    Console.WriteLine($"  {name} (pid {process.Id}) ready on {baseAddress} in {clock.Elapsed.TotalSeconds:N1} s");
                    return server;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // busy starting
            }

            await Task.Delay(200);
        }

        await server.DisposeAsync();
        throw new TimeoutException($"The {name} did not answer /{readyPath} within 120 s:\n{server.Tail}");
    }

    /// <summary>Resident memory (VmRSS) of the server process, in bytes.</summary>
    public long WorkingSetBytes()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>CPU time the server process has used so far (user + system).</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>
    /// Makes the server run a full, blocking garbage collection, the way dotnet-gcdump does (an EventPipe session
    /// asking for the GC heap-collect keyword), so its working set is compared without garbage in it.
    /// </summary>
    public async Task CollectGarbageAsync()
    {
        const long gcHeapCollectKeyword = 0x800000;
        var client = new DiagnosticsClient(_process.Id);
        using var session = client.StartEventPipeSession(
            [new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, gcHeapCollectKeyword)],
            requestRundown: false);
        var drain = session.EventStream.CopyToAsync(Stream.Null);
        await Task.Delay(TimeSpan.FromSeconds(1)); // the collection runs when the session starts; give it time to finish
        await session.StopAsync(CancellationToken.None);
        await drain;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        _dataDir?.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        Interlocked.Increment(ref _outputLines);
        _tail.Enqueue(line);
        while (_tail.Count > 40 && _tail.TryDequeue(out _))
        {
        }
    }
}
