using CloudMart.ServiceDefaults;

namespace CloudMart.Faults.Tests;

/// <summary>Fault 4: the api-service answers on its PORT and nowhere else, so a probe on 8080 finds nothing.</summary>
public sealed class ListeningPortTests
{
    [Fact]
    public async Task Fault4_api_service_listens_on_its_PORT_only()
    {
        var port = LoopbackServer.FreePort();
        using var api = ServiceProcess.StartDll("api-service", new Dictionary<string, string> { ["PORT"] = port.ToString(CultureInfo.InvariantCulture) });
        await api.WaitHealthyAsync(port, TimeSpan.FromSeconds(20));

        Assert.Equal([port], ListeningPorts(api.Pid));
        Assert.DoesNotContain(8080, ListeningPorts(api.Pid));
    }

    [Fact]
    public void Fault4_api_service_port_is_3000_in_the_catalog_and_by_default()
    {
        Assert.Equal(3000, ServiceCatalog.Api.ContainerPort);
        Assert.Equal("3000", ServiceCatalog.Api.Variable("PORT").Default);
    }

    /// <summary>The TCP ports a process listens on, from /proc: its socket inodes matched against the kernel's tables.</summary>
    static SortedSet<int> ListeningPorts(int pid)
    {
        var inodes = new HashSet<string>();
        foreach (var fd in Directory.GetFiles($"/proc/{pid}/fd"))
        {
            var target = new FileInfo(fd).LinkTarget;
            if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal))
            {
                inodes.Add(target["socket:[".Length..^1]);
            }
        }

        var ports = new SortedSet<int>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                const string Listen = "0A";
                if (fields.Length > 9 && fields[3] == Listen && inodes.Contains(fields[9]))
                {
                    ports.Add(int.Parse(fields[1].Split(':')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                }
            }
        }
        return ports;
    }
}
