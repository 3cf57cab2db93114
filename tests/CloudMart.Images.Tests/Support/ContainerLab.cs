using System.Diagnostics;
using CloudMart.Catalog;
using CloudMart.Diagnosis;
using CloudMart.Manifests;

namespace CloudMart.Images.Tests.Support;

/// <summary>
/// One docker network of its own, with containers started from the manifests on it; removed,
/// containers and all, when disposed. Each container answers to its Services' names there, as in
/// the cluster. Traffic from the tests goes to the containers' addresses on this network.
/// </summary>
public sealed class ContainerLab : IDisposable
{
    static readonly LabRepository Repo = LabRepository.Find(AppContext.BaseDirectory);

    readonly string _id = $"cloudmart-images-{Guid.NewGuid():N}"[..30];
    readonly string _files = Directory.CreateTempSubdirectory("cloudmart-images-").FullName;
    readonly List<string> _containers = [];
    readonly Dictionary<string, int> _ports = new(StringComparer.Ordinal);

    public ContainerLab() => Docker.Check("network", "create", _id);

    public static ManifestSet Solution { get; } = ManifestSet.Load(Repo.SolutionManifestsDir);

    public static ManifestSet Broken { get; } = ManifestSet.Load(Repo.BrokenManifestsDir);

    /// <summary>The solution's services in the order their dependencies need (the gateway resolves the api-service when it starts).</summary>
    public static readonly string[] StartOrder = ["database-service", "notification-service", "auth-service", "order-service", "api-service", "gateway"];

    /// <summary>The container of each started service (by Deployment name).</summary>
    public Dictionary<string, string> Containers { get; } = new(StringComparer.Ordinal);

    /// <summary>How a service of the solution runs; change it before <see cref="Start(PodRun)"/>.</summary>
    public PodRun Plan(string service, ManifestSet? manifests = null) =>
        PodRun.FromManifests(manifests ?? Solution, service, _files);

    public string Start(PodRun run)
    {
        var name = $"{_id}-{run.Service}";
        var image = Docker.Run(["image", "inspect", "--format", "{{.Id}}", run.Image]);
        Assert.True(image.ExitCode == 0,
            $"the image {run.Image} does not exist: build the images first (services/day-4/broken-production/build-and-import.sh --no-import)");
        _containers.Add(name);
        Docker.Check([.. run.RunArguments(name, _id)]);
        Containers[run.Service] = name;
        _ports[run.Service] = run.ContainerPort;
        return name;
    }

    /// <summary>Starts the given services as the solution runs them and waits until each answers /health.</summary>
    public void StartSolution(params string[] services)
    {
        foreach (var service in StartOrder.Where(s => services.Length == 0 || services.Contains(s)))
        {
            var run = Plan(service);
            Start(run);
            WaitHealthy(service);
        }
    }

    public string Address(string service) =>
        Docker.Inspect(Containers[service], "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}");

    public Uri BaseUri(string service) => new($"http://{Address(service)}:{_ports[service]}/");

    public void WaitHealthy(string service)
    {
        var port = _ports[service];
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var address = Address(service);
        var watch = Stopwatch.StartNew();
        string last = "no answer";
        while (watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            Assert.True(Running(service), $"{service} stopped before it was healthy: {Logs(service)}");
            try
            {
                using var response = http.GetAsync($"http://{address}:{port}/health").GetAwaiter().GetResult();
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
                last = $"HTTP {(int)response.StatusCode}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                last = ex.Message;
            }
            Thread.Sleep(200);
        }
        Assert.Fail($"{service} did not answer /health within 30 s ({last}): {Logs(service)}");
    }

    public bool Running(string service) => Docker.Inspect(Containers[service], "{{.State.Running}}") == "true";

    /// <summary>Everything the container wrote, stdout and stderr, one entry a line.</summary>
    public IReadOnlyList<string> LogLines(string service)
    {
        var result = Docker.Run(["logs", Containers[service]]);
        return (result.StandardOutput + result.StandardError).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public string Logs(string service) => string.Join('\n', LogLines(service).TakeLast(40));

    /// <summary>Waits for the container to stop; its exit code, or null if it still runs.</summary>
    public int? WaitExit(string service, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (!Running(service))
            {
                return int.Parse(Docker.Inspect(Containers[service], "{{.State.ExitCode}}"), System.Globalization.CultureInfo.InvariantCulture);
            }
            Thread.Sleep(200);
        }
        return null;
    }

    public void Dispose()
    {
        foreach (var container in _containers)
        {
            Docker.Run(["rm", "--force", "--volumes", container]);
        }
        Docker.Run(["network", "rm", _id]);
        Directory.Delete(_files, recursive: true);
    }
}
