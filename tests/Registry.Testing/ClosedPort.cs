using System.Net;
using System.Net.Sockets;

namespace Registry.Testing;

/// <summary>
/// A loopback URL nothing listens on: a port the kernel handed out and that was closed again at
/// once. (Port 9, "discard", is not safe to assume closed: some machines run a service there.)
/// </summary>
public static class ClosedPort
{
    public static Uri Url() => new($"http://127.0.0.1:{Number()}/");

    /// <summary>The port alone: also for a server that must be told its port before it starts (nginx's PORT).</summary>
    public static int Number()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
