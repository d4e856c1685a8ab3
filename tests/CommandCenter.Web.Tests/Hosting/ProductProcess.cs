using CommandCenter.Testing;
using System.Diagnostics;
using System.Net;
using System.Text;

namespace CommandCenter.Web.Tests.Hosting;

/// <summary>
/// The real executable (the build output copied next to the tests), run the way an operator runs it: a verb that
/// exits, or the server until it is disposed. Always Production unless told otherwise, on its own data directory.
/// </summary>
internal sealed class ProductProcess : IAsyncDisposable
{
    public const string PasswordVariable = "CC_ADMIN_PASSWORD";

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private int _disposed;

    private ProductProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public sealed record Run(int ExitCode, string Out, string Error)
    {
        public string All => Out + Error;
    }

    /// <summary>Runs <c>dotnet CommandCenter.Web.dll ARGS</c> to its end, with <paramref name="input"/> on standard input.</summary>
    public static async Task<Run> RunAsync(IEnumerable<string> args, IDictionary<string, string?>? environment = null, string? input = null, string? directory = null)
    {
        using var process = new Process { StartInfo = StartInfo(args, environment, directory) };
        process.StartInfo.RedirectStandardInput = true;
        process.Start();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteLineAsync(input);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new Run(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs another tool (dotnet publish) to its end.</summary>
    public static async Task<Run> RunToolAsync(string tool, IEnumerable<string> args)
    {
        using var process = new Process
        {
            StartInfo = new ProcessStartInfo(tool, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false },
        };
        process.Start();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return new Run(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts the server on a free loopback port (or <paramref name="url"/>, to come back where a load balancer expects it) and waits until <c>/readyz</c> answers.</summary>
    public static async Task<ProductProcess> StartAsync(string dataDir, IDictionary<string, string?>? environment = null, string? directory = null, string dll = "CommandCenter.Web.dll", Uri? url = null)
    {
        var address = url?.GetLeftPart(UriPartial.Authority) ?? $"http://127.0.0.1:{LoopbackPorts.Free()}";
        var process = new Process { StartInfo = StartInfo([$"--urls={address}", $"--DataDir={dataDir}"], environment, directory, dll) };
        var product = new ProductProcess(process, new Uri(address + "/"));
        process.OutputDataReceived += (_, e) => product.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => product.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var client = new HttpClient { BaseAddress = product.BaseAddress };
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline && !process.HasExited; await Task.Delay(200))
        {
            try
            {
                if ((await client.GetAsync("readyz")).StatusCode == HttpStatusCode.OK)
                {
                    return product;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
        }

        await product.DisposeAsync();
        throw new InvalidOperationException($"The server did not become ready:{Environment.NewLine}{product.Output}");
    }

    /// <summary>
    /// Asks the server to stop (SIGTERM, as systemd or an orchestrator does) and waits up to <paramref name="within"/>
    /// for the process to end; its exit code, or null if it was still running then.
    /// </summary>
    public async Task<int?> StopAsync(TimeSpan within)
    {
        using (var signal = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await signal.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(within);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Kills the server (SIGKILL, as a crash would); a second call does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static ProcessStartInfo StartInfo(IEnumerable<string> args, IDictionary<string, string?>? environment, string? directory, string dll = "CommandCenter.Web.dll")
    {
        var folder = directory ?? AppContext.BaseDirectory;
        var start = new ProcessStartInfo("dotnet", [Path.Combine(folder, dll), .. args])
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        start.Environment.Remove(PasswordVariable);
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        return start;
    }
}
