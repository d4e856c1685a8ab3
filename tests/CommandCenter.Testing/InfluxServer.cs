using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace CommandCenter.Testing;

/// <summary>
/// A real InfluxDB 1.x (Debian's <c>influxd</c>) on loopback, for tests: its own config, data, WAL and meta folders
/// in a temp folder, free ports, ready once <c>/ping</c> answers 204. <see cref="StopAsync"/> kills it (an outage);
/// <see cref="StartAsync"/> brings it back on the same port with the same data. If influxd is not installed the
/// test fails and says how to install it — it never skips.
/// </summary>
public sealed class InfluxServer : IAsyncDisposable
{
    private static readonly TimeSpan _startTimeout = TimeSpan.FromSeconds(60);

    private readonly string _influxd;
    private readonly TempDirectory _dir;
    private readonly string _config;
    private readonly HttpClient _http;
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    private InfluxServer(string influxd, bool authEnabled)
    {
        _influxd = influxd;
        _dir = new TempDirectory("cc-influxd");
        Port = LoopbackPorts.Free();
        var rpcPort = LoopbackPorts.Free();
        Url = new Uri($"http://127.0.0.1:{Port}");
        _http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(30) };
        _config = Path.Combine(_dir.Path, "influxdb.conf");
        File.WriteAllText(_config, string.Create(CultureInfo.InvariantCulture, $"""
            reporting-disabled = true
            bind-address = "127.0.0.1:{rpcPort}"

            [meta]
              dir = "{Path.Combine(_dir.Path, "meta")}"

            [data]
              dir = "{Path.Combine(_dir.Path, "data")}"
              wal-dir = "{Path.Combine(_dir.Path, "wal")}"
              query-log-enabled = false

            [monitor]
              store-enabled = false

            [http]
              bind-address = "127.0.0.1:{Port}"
              auth-enabled = {(authEnabled ? "true" : "false")}
              log-enabled = false

            [logging]
              level = "warn"
            """));
    }

    public Uri Url { get; }

    public int Port { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>
    /// Starts a fresh server and waits until it answers. A free port can be taken by another process before influxd
    /// binds it, so a server that exits while starting is tried again on other ports.
    /// </summary>
    public static async Task<InfluxServer> StartNewAsync(bool authEnabled = false)
    {
        var influxd = FindInfluxd();
        for (var attempt = 1; ; attempt++)
        {
            var server = new InfluxServer(influxd, authEnabled);
            try
            {
                await server.StartAsync();
                return server;
            }
            catch (InfluxdExitedException) when (attempt < 3)
            {
                await server.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Starts (or restarts) the server on its port with its data; returns once <c>/ping</c> answers 204.</summary>
    public async Task StartAsync()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("influxd is already running.");
        }

        var start = new ProcessStartInfo(_influxd, ["-config", _config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {_influxd}.");
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < _startTimeout)
        {
            if (_process.HasExited)
            {
                throw new InfluxdExitedException($"influxd exited with {_process.ExitCode} while starting on port {Port}:\n{Output}");
            }

            try
            {
                using var ping = await _http.GetAsync("ping");
                if (ping.StatusCode == HttpStatusCode.NoContent)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"influxd did not answer /ping on port {Port} within {_startTimeout}:\n{Output}");
    }

    /// <summary>Kills the server (SIGKILL, as a crash or a pulled cable would) and waits until it is gone.</summary>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    /// <summary>Runs InfluxQL (reads and writes alike, POST) and returns the raw JSON.</summary>
    public async Task<JsonDocument> QueryAsync(string influxql, string? database = null, (string User, string Password)? credentials = null)
    {
        var form = new Dictionary<string, string> { ["q"] = influxql, ["epoch"] = "ms" };
        if (database is not null)
        {
            form["db"] = database;
        }

        if (credentials is { } c)
        {
            form["u"] = c.User;
            form["p"] = c.Password;
        }

        using var content = new FormUrlEncodedContent(form);
        using var response = await _http.PostAsync("query", content);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"influxd answered {(int)response.StatusCode} to {influxql}: {text}");
        }

        return JsonDocument.Parse(text);
    }

    /// <summary>The single number a one-row InfluxQL aggregate returns (0 when nothing matched).</summary>
    public async Task<double> ScalarAsync(string influxql, string database)
    {
        using var result = await QueryAsync(influxql, database);
        var statement = result.RootElement.GetProperty("results")[0];
        if (statement.TryGetProperty("error", out var error))
        {
            throw new InvalidOperationException($"{influxql}: {error.GetString()}");
        }

        return statement.TryGetProperty("series", out var series) ? series[0].GetProperty("values")[0][1].GetDouble() : 0;
    }

    /// <summary>What influxd printed lately, for failure messages.</summary>
    public string Output => string.Join('\n', _output);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _http.Dispose();
        _dir.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 50 && _output.TryDequeue(out _))
        {
        }
    }

    private static string FindInfluxd()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin").Append("/usr/sbin")
            .Select(dir => Path.Combine(dir, "influxd"))
            .FirstOrDefault(File.Exists);
        return path ?? throw new InvalidOperationException(
            "influxd is not installed, and the InfluxDB tests need the real server: install Debian's influxdb package " +
            "(apt-get install -y influxdb; tests/run.sh does it).");
    }
}

/// <summary>influxd stopped by itself while starting (a port taken, a bad config); its output is in the message.</summary>
public sealed class InfluxdExitedException(string message) : Exception(message);
