using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CommandCenter.Testing;

/// <summary>
/// A real Redis (Debian's <c>redis-server</c>) on a free loopback port with nothing persisted, for tests: started
/// from a temp folder, never the system service. <see cref="Stop"/> kills it (an outage) and <see cref="StartAsync"/>
/// brings it back on the same port. If redis-server is not installed the test fails and says how to install it.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private const string Binary = "/usr/bin/redis-server";
    private readonly TempDirectory _dir = new("cc-redis");
    private Process? _process;

    private RedisServer() => Port = LoopbackPorts.Free();

    public int Port { get; }

    /// <summary>The StackExchange.Redis connection string for this server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartNewAsync()
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException("redis-server is not installed: run tests/run.sh, which installs Debian's redis-server, or apt-get install redis-server.");
        }

        var server = new RedisServer();
        await server.StartAsync();
        return server;
    }

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo(Binary, ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _dir.Path])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start redis-server.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (!await PingsAsync())
        {
            if (_process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(20))
            {
                throw new InvalidOperationException($"redis-server did not answer on port {Port}.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Kills the server: every client loses its connection at once.</summary>
    public void Stop()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            process.WaitForExit();
        }
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        _process?.Dispose();
        _dir.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<bool> PingsAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
