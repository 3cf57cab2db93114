using System.Net;
using System.Net.Sockets;
using CloudMart.Catalog;

namespace CloudMart.Lab;

/// <summary>
/// The ports of a local run: each component's <see cref="ServiceSpec.LocalPort"/> moved by
/// <see cref="Offset"/>, so a second run (a test beside a developer's <c>up</c>) can use
/// another range. The gateway's port can also be set on its own.
/// </summary>
public sealed record LabPorts(int Offset = 0, int? GatewayPort = null)
{
    public static LabPorts Default { get; } = new();

    public int For(ServiceSpec component) =>
        component == ServiceCatalog.Gateway && GatewayPort is { } gateway ? gateway : component.LocalPort + Offset;

    public int For(string component) => For(ServiceCatalog.Find(component));

    /// <summary>The address a component answers on locally.</summary>
    public Uri Url(ServiceSpec component) => new($"http://127.0.0.1:{For(component)}");

    /// <summary>A reason this set of ports cannot work (out of range or two components on one port), or null.</summary>
    public string? Problem()
    {
        var seen = new Dictionary<int, string>();
        foreach (var component in ServiceCatalog.All)
        {
            var port = For(component);
            if (port is < 1 or > 65535)
            {
                return $"{component.Name} would get port {port}, outside 1-65535";
            }
            if (!seen.TryAdd(port, component.Name))
            {
                return $"{component.Name} and {seen[port]} would both get port {port}";
            }
        }
        return null;
    }

    /// <summary>The first of <paramref name="offsets"/> whose six ports are all free on this machine.</summary>
    public static LabPorts FirstFree(IEnumerable<int> offsets)
    {
        foreach (var offset in offsets)
        {
            var ports = new LabPorts(offset);
            if (ports.Problem() is null && ServiceCatalog.All.All(c => PortCheck.IsFree(ports.For(c))))
            {
                return ports;
            }
        }
        throw new InvalidOperationException("no free range of ports among the offsets tried");
    }
}

/// <summary>Whether a TCP port can be listened on, and who holds it when it cannot.</summary>
public static class PortCheck
{
    /// <summary>
    /// True when nothing listens on the port. The services listen on every interface, so the test
    /// binds the wildcard address: that fails whether the holder bound 127.0.0.1 or everything.
    /// </summary>
    public static bool IsFree(int port)
    {
        foreach (var address in new[] { IPAddress.Any, IPAddress.Loopback })
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(address, port));
            }
            catch (SocketException)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Fails a start before anything runs when <paramref name="port"/>, which <paramref name="component"/> needs, is taken, naming the holder when it can.</summary>
    /// <exception cref="LabStartException">The port is in use.</exception>
    public static void EnsureFree(int port, string component)
    {
        if (!IsFree(port))
        {
            var holder = Holder(port) is { } who ? $" (held by {who})" : "";
            throw new LabStartException(LabFailure.PortInUse, $"port {port}, which {component} needs, is already in use{holder}", component);
        }
    }

    /// <summary>
    /// Names the process listening on the port ("pid 1234: nginx: master process ..."), read from
    /// /proc. Null when it cannot be told (another user's process, or not Linux).
    /// </summary>
    public static string? Holder(int port)
    {
        try
        {
            var inodes = new HashSet<string>();
            foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
            {
                if (!File.Exists(table))
                {
                    continue;
                }
                foreach (var line in File.ReadLines(table).Skip(1))
                {
                    var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    // local_address is "ADDR:PORT" in hex; state 0A is LISTEN; the inode is field 9.
                    if (fields.Length > 9 && fields[3] == "0A"
                        && int.Parse(fields[1][(fields[1].LastIndexOf(':') + 1)..], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture) == port)
                    {
                        inodes.Add($"socket:[{fields[9]}]");
                    }
                }
            }
            if (inodes.Count == 0)
            {
                return null;
            }
            foreach (var processDir in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(processDir), out var pid))
                {
                    continue;
                }
                try
                {
                    foreach (var fd in Directory.EnumerateFileSystemEntries(Path.Combine(processDir, "fd")))
                    {
                        if (new FileInfo(fd).LinkTarget is { } target && inodes.Contains(target))
                        {
                            return $"pid {pid}: {ProcessInfo.CommandLine(pid)}";
                        }
                    }
                }
                catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
                {
                }
            }
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException or FormatException)
        {
        }
        return null;
    }
}
