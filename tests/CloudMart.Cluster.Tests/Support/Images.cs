namespace CloudMart.Cluster.Tests.Support;

/// <summary>
/// The lab's images in the docker engine the kubelet uses (built by build-and-import.sh
/// --no-import), and the order-service rebuilt with the fault-7 patch, as the solution asks.
/// </summary>
public static class Images
{
    /// <summary>The rebuilt order-service, under a tag of its own until the solution step makes it :latest.</summary>
    public const string FixedOrderService = "order-service:cluster-tests-fixed";

    /// <summary>The tag the lab's build gave the order-service, kept aside while the rebuilt one holds :latest.</summary>
    public const string LabOrderService = "order-service:cluster-tests-lab";

    /// <summary>A docker client that builds with BuildKit: the first on PATH when it has buildx, else Debian's 20.10, which has it built in.</summary>
    public static string Docker { get; } = ProgramRun.Run("docker", ["buildx", "version"], TimeSpan.FromSeconds(20)).ExitCode == 0 || !File.Exists("/usr/bin/docker")
        ? "docker"
        : "/usr/bin/docker";

    public static Task<ProgramResult> DockerAsync(TimeSpan timeout, params string[] args) =>
        ProgramRun.RunAsync(Docker, args, timeout, environment: new Dictionary<string, string> { ["DOCKER_BUILDKIT"] = "1" });

    public static async Task MustDockerAsync(params string[] args)
    {
        var result = await DockerAsync(TimeSpan.FromSeconds(60), args);
        Assert.True(result.ExitCode == 0, $"docker {string.Join(' ', args)} exited {result.ExitCode}: {result.Output}");
    }

    public static async Task RequireLabImagesAsync()
    {
        IEnumerable<string> needed = [.. ServiceCatalog.All.Select(s => s.Image), TrafficSource.Customers.Image, "k8s.gcr.io/pause:3.2"];
        var missing = new List<string>();
        foreach (var image in needed)
        {
            if ((await DockerAsync(TimeSpan.FromSeconds(30), "image", "inspect", "--format", "{{.Id}}", image)).ExitCode != 0)
            {
                missing.Add(image);
            }
        }
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"the docker engine has no {string.Join(", ", missing)}: build the lab's images first "
                + "(services/day-4/broken-production/build-and-import.sh --no-import) and start the cluster (tests/cluster/cluster.sh up, which builds the pause image)");
        }
    }

    /// <summary>
    /// Builds the order-service from a copy of the lab's code with k8s/day-4/solution/fault-7-retry-backoff.patch
    /// applied, the way a learner rebuilds it after the code fix; the repository itself is not changed.
    /// </summary>
    public static async Task<ProgramResult> BuildFixedOrderServiceAsync()
    {
        var copy = Directory.CreateTempSubdirectory("cloudmart-fault7-").FullName;
        try
        {
            foreach (var file in new[] { "global.json", "Directory.Build.props", "Directory.Packages.props" })
            {
                File.Copy(RealCluster.Repo(file), Path.Combine(copy, file));
            }
            // What the order-service's Dockerfile copies from its build context: the lab's services and the catalog they build with.
            foreach (var folder in new[] { Path.Combine("services", "day-4", "broken-production"), Path.Combine("src", "CloudMart.Catalog") })
            {
                CopyTree(RealCluster.Repo(folder), Path.Combine(copy, folder));
            }
            var patch = await ProgramRun.RunAsync("git", ["apply", RealCluster.Repo("k8s", "day-4", "solution", "fault-7-retry-backoff.patch")], TimeSpan.FromSeconds(30), workingDirectory: copy);
            if (patch.ExitCode != 0)
            {
                return patch;
            }
            return await DockerAsync(TimeSpan.FromMinutes(20), "build", "-q", "-t", FixedOrderService,
                "-f", Path.Combine(copy, "services", "day-4", "broken-production", "order-service", "Dockerfile"), copy);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
        foreach (var dir in Directory.EnumerateDirectories(from).Where(d => Path.GetFileName(d) is not ("bin" or "obj" or "node_modules")))
        {
            CopyTree(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }
}
