namespace CloudMart.Cluster.Tests;

/// <summary>
/// The cluster the lab runs on for one test run, checked before the first step: it answers, its
/// node is Ready and the lab's images are in its docker engine. The order-service rebuilt with the
/// fault-7 patch is built in the background from the start, so the solution step does not wait
/// for a whole image build. At the end the lab's namespaces are deleted and the engine's images put back as the lab's build
/// left them.
/// </summary>
public sealed class LabOnCluster : IAsyncLifetime
{
    public RealCluster Cluster { get; private set; } = null!;

    public Timeline Timeline { get; } = new();

    /// <summary>docker build of the order-service with the fault-7 patch; started with the fixture.</summary>
    public Task<ProgramResult> FixedOrderServiceBuild { get; private set; } = Task.FromResult(new ProgramResult(1, "", "not started"));

    /// <summary>Whether order-service:latest is the rebuilt image now (the lab's is kept under <see cref="Images.LabOrderService"/>).</summary>
    public bool OrderServiceSwapped { get; private set; }

    /// <summary>
    /// Makes order-service:latest the rebuilt one (fault 7 fixed), as the solution and every incident
    /// without fault 7 need; the lab's build is kept aside and put back at the end.
    /// </summary>
    public async Task UseFixedOrderServiceAsync()
    {
        if (OrderServiceSwapped)
        {
            return;
        }
        var build = await FixedOrderServiceBuild;
        Assert.True(build.ExitCode == 0, $"the order-service with the fault-7 patch did not build:\n{build.Output}");
        await Images.MustDockerAsync("tag", "order-service:latest", Images.LabOrderService);
        OrderServiceSwapped = true;
        await Images.MustDockerAsync("tag", Images.FixedOrderService, "order-service:latest");
    }

    /// <summary>Tags the hardened step added (its kustomization asks for :1.0.0).</summary>
    public List<string> AddedTags { get; } = [];

    public async Task InitializeAsync()
    {
        Cluster = await RealCluster.ConnectAsync();
        await Images.RequireLabImagesAsync();
        FixedOrderServiceBuild = Task.Run(Images.BuildFixedOrderServiceAsync);
    }

    public async Task DisposeAsync()
    {
        // The shop and its customers would go on using the node's CPU under every test that runs
        // after these (a local end-to-end test saw sign-in timeouts beside them).
        if (Cluster is not null)
        {
            await Cluster.DeleteNamespacesAsync(ServiceCatalog.Namespace, TrafficSource.Namespace);
        }
        var docker = TimeSpan.FromSeconds(60);
        if (OrderServiceSwapped)
        {
            await Images.DockerAsync(docker, "tag", Images.LabOrderService, "order-service:latest");
            await Images.DockerAsync(docker, "rmi", Images.LabOrderService);
        }
        foreach (var tag in AddedTags)
        {
            await Images.DockerAsync(docker, "rmi", tag);
        }
        // A build still running (an early step failed) ends by itself within its time limit; its tag is then removed.
        if ((await FixedOrderServiceBuild).ExitCode == 0)
        {
            await Images.DockerAsync(docker, "rmi", Images.FixedOrderService);
        }
    }
}
