using System.Net;
using System.Net.Sockets;

namespace CommandCenter.Testing;

/// <summary>Ports on loopback for the servers the tests and the benchmark start.</summary>
public static class LoopbackPorts
{
    /// <summary>A port nothing listens on now (the system's pick); another process may take it before the caller binds it.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
