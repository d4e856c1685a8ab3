using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace CommandCenter.Testing;

/// <summary>
/// A real nginx (Debian's) in front of test app servers, running the configuration the documentation ships
/// (<c>wwwroot-assets/docs/deploy/nginx-commandcenter.conf</c>) with only its upstream servers and listen address
/// replaced: its own prefix, pid, logs and temp folders in a temp folder, never the system service.
/// </summary>
public sealed partial class NginxServer : IAsyncDisposable
{
    private const string Binary = "/usr/sbin/nginx";
    private readonly TempDirectory _dir = new("cc-nginx");
    private readonly Process _process;

    private NginxServer(IEnumerable<Uri> upstreams)
    {
        Port = LoopbackPorts.Free();
        var shipped = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "deploy", "nginx-commandcenter.conf"));
        var servers = string.Join("\n    ", upstreams.Select(u => $"server {u.Host}:{u.Port} max_fails=1 fail_timeout=5s;")) + "\n";
        var site = UpstreamServers().Replace(shipped, servers); // both upstreams: the pinned one and the API's
        site = ListenPort().Replace(site, $"listen 127.0.0.1:{Port};", 1);
        File.WriteAllText(Path.Combine(_dir.Path, "commandcenter.conf"), site);
        var root = Environment.UserName == "root" ? "user root;\n" : "";
        File.WriteAllText(Path.Combine(_dir.Path, "nginx.conf"), string.Create(CultureInfo.InvariantCulture, $$"""
            {{root}}daemon off;
            worker_processes 1;
            pid {{_dir.Path}}/nginx.pid;
            error_log {{_dir.Path}}/error.log warn;
            events { worker_connections 1024; }
            http {
                access_log off;
                client_body_temp_path {{_dir.Path}}/body;
                proxy_temp_path {{_dir.Path}}/proxy;
                fastcgi_temp_path {{_dir.Path}}/fastcgi;
                uwsgi_temp_path {{_dir.Path}}/uwsgi;
                scgi_temp_path {{_dir.Path}}/scgi;
                include {{_dir.Path}}/commandcenter.conf;
            }
            """));
        _process = Process.Start(new ProcessStartInfo(Binary, ["-c", Path.Combine(_dir.Path, "nginx.conf"), "-p", _dir.Path])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("Could not start nginx.");
    }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    public static async Task<NginxServer> StartAsync(params Uri[] upstreams)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException("nginx is not installed: run tests/run.sh, which installs Debian's nginx, or apt-get install nginx.");
        }

        var server = new NginxServer(upstreams);
        var deadline = Stopwatch.StartNew();
        while (!await server.ListensAsync())
        {
            if (server._process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(20))
            {
                var error = server._process.HasExited ? await server._process.StandardError.ReadToEndAsync() : "";
                var log = File.Exists(Path.Combine(server._dir.Path, "error.log")) ? await File.ReadAllTextAsync(Path.Combine(server._dir.Path, "error.log")) : "";
                await server.DisposeAsync();
                throw new InvalidOperationException($"nginx did not listen on port {server.Port}: {error}{log}");
            }

            await Task.Delay(50);
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _dir.Dispose();
    }

    private async Task<bool> ListensAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"(server \S+ max_fails=1 fail_timeout=5s;\s*)+")]
    private static partial Regex UpstreamServers();

    [GeneratedRegex(@"listen 80;")]
    private static partial Regex ListenPort();
}
