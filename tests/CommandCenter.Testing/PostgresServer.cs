using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace CommandCenter.Testing;

/// <summary>
/// A real PostgreSQL (Debian's <c>postgresql</c>) for the test run: its own cluster in a temp folder (<c>initdb</c>,
/// then <c>pg_ctl start</c> on a free loopback port, its log inside its data folder), never the system service. As
/// root it runs as the <c>postgres</c> user through <c>runuser</c>, since PostgreSQL refuses to run as root. Tests share
/// one server per test process (<see cref="Shared"/>), stopped when the process exits, each store in its own database;
/// the benchmark starts its own (<see cref="StartDurable"/>). If PostgreSQL is not installed the test fails and says
/// how to install it — it never skips.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private static readonly Lazy<PostgresServer> _shared = new(() => Start(durable: false), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly TimeSpan _startTimeout = TimeSpan.FromSeconds(60);

    private readonly string _bin;
    private readonly string _dataDir;
    private readonly TempDirectory _dir;
    private readonly bool _asRoot;
    private readonly SemaphoreSlim _creating = new(1, 1);

    private PostgresServer(string bin, TempDirectory dir, string dataDir, int port, bool asRoot)
    {
        _bin = bin;
        _dir = dir;
        _dataDir = dataDir;
        Port = port;
        _asRoot = asRoot;
    }

    /// <summary>The test process's server, started on first use, durability off; stopped when the process exits.</summary>
    public static PostgresServer Shared => _shared.Value;

    /// <summary>
    /// A server of the caller's own, with PostgreSQL's default durability (fsync, synchronous commit): for measuring
    /// what a city's server would do. Stopped and deleted on <see cref="Dispose"/>.
    /// </summary>
    public static PostgresServer StartDurable() => Start(durable: true, stopAtExit: false);

    /// <summary>A throwaway server whose watchdog watches <paramref name="owner"/> instead of this process: for testing the watchdog.</summary>
    public static PostgresServer StartOwnedBy(Process owner) => Start(durable: false, stopAtExit: false, owner.Id);

    /// <summary>Whether the server answers on its port.</summary>
    public bool IsRunning
    {
        get
        {
            using var client = new System.Net.Sockets.TcpClient();
            try
            {
                client.Connect(System.Net.IPAddress.Loopback, Port);
                return true;
            }
            catch (System.Net.Sockets.SocketException)
            {
                return false;
            }
        }
    }

    /// <summary>The folder the server's data lives in, deleted with it.</summary>
    public string Folder => _dir.Path;

    public void Dispose()
    {
        Stop();
        _dir.Dispose();
    }

    public int Port { get; }

    /// <summary>A connection string for <paramref name="database"/> on this server.</summary>
    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "postgres", Database = database, MaxPoolSize = 50 }.ConnectionString;

    /// <summary>
    /// The database that stands for the data directory <paramref name="dataDir"/>: created on first use (as a copy of
    /// <paramref name="template"/> when given), found again by a second host on the same directory (a restart).
    /// </summary>
    public async Task<string> DatabaseForAsync(string dataDir, string? template = null)
    {
        var name = "cc_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(dataDir))))[..20];
        await CreateAsync(name, template);
        return name;
    }

    /// <summary>Creates <paramref name="name"/> unless it exists; a template must have no open connections.</summary>
    public async Task CreateAsync(string name, string? template = null)
    {
        await _creating.WaitAsync(); // CREATE DATABASE … TEMPLATE refuses while another copy of the template is being made
        try
        {
            await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
            await connection.OpenAsync();
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
            exists.Parameters.AddWithValue("name", name);
            if (await exists.ExecuteScalarAsync() is not null)
            {
                return;
            }

            await using var create = new NpgsqlCommand(template is null ? $"CREATE DATABASE \"{name}\"" : $"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        finally
        {
            _creating.Release();
        }
    }

    private static PostgresServer Start(bool durable, bool stopAtExit = true, int? owner = null)
    {
        var bin = FindBin();
        var dir = new TempDirectory("cc-postgres");
        var data = Path.Combine(dir.Path, "data");
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            Run("chown", ["-R", "postgres:postgres", dir.Path]);
        }

        Run(asRoot, Path.Combine(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "--no-locale", "-E", "UTF8", "--no-sync"]);
        for (var attempt = 1; ; attempt++)
        {
            var port = LoopbackPorts.Free();
            try
            {
                // A throwaway cluster for tests: durability settings off (fsync, synchronous commit) make a suite's
                // thousands of small databases and commits cheap; nothing here must survive a power cut.
                var durability = durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
                Run(asRoot, Path.Combine(bin, "pg_ctl"), ["-D", data, "-l", Path.Combine(data, "server.log"), "-w", "-t", ((int)_startTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture), "-o",
                    $"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c max_connections=400{durability}", "start"]);
                var server = new PostgresServer(bin, dir, data, port, asRoot);
                WatchOver(server, owner ?? Environment.ProcessId);
                if (stopAtExit)
                {
                    AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
                }

                return server;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // the free port was taken before the server bound it: try another
            }
        }
    }

    private void Stop()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            Run(_asRoot, Path.Combine(_bin, "pg_ctl"), ["-D", _dataDir, "-m", "immediate", "-w", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    /// <summary>
    /// pg_ctl leaves the server running on its own, and a test process killed by its runner never runs its exit
    /// handlers: a watchdog in a session of its own stops the server and deletes its folder once this process is gone.
    /// </summary>
    private static void WatchOver(PostgresServer server, int owner)
    {
        var stop = $"{(server._asRoot ? "runuser -u postgres -- " : "")}'{Path.Combine(server._bin, "pg_ctl")}' -D '{server._dataDir}' -m immediate -w stop";
        var script = $"exec </dev/null >/dev/null 2>&1; while kill -0 {owner}; do sleep 2; done; {stop}; rm -rf '{server._dir.Path}'";
        var start = new ProcessStartInfo("setsid", ["-f", "bash", "-c", script])
        {
            UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var watchdog = Process.Start(start) ?? throw new InvalidOperationException("Could not start the PostgreSQL test server's watchdog.");
        watchdog.WaitForExit(); // setsid -f returns at once, leaving the watchdog to init
    }

    private static string FindBin()
    {
        var root = "/usr/lib/postgresql";
        var bin = Directory.Exists(root)
            ? Directory.GetDirectories(root).Select(d => Path.Combine(d, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb")))
                .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out var version) ? version : 0).FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException(
            "PostgreSQL's server binaries (initdb, pg_ctl) are not installed: run tests/run.sh, which installs Debian's postgresql, or apt-get install postgresql.");
    }

    private static void Run(bool asRoot, string program, IReadOnlyList<string> arguments) =>
        Run(asRoot ? "runuser" : program, asRoot ? ["-u", "postgres", "--", program, .. arguments] : arguments);

    private static void Run(string program, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(_startTimeout) || process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({(process.HasExited ? process.ExitCode.ToString(CultureInfo.InvariantCulture) : "timed out")}):\n{output.Result}{error.Result}");
        }
    }
}
