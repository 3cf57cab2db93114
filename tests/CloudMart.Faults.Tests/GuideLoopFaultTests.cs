using CloudMart.Lab;

namespace CloudMart.Faults.Tests;

/// <summary>
/// Faults 3 and 6 as a learner without a cluster meets them: <c>cloudmart up --fault N</c>, then the
/// guide's 20-order loop (or the lab's customers), and the same with the fault left out.
/// Fault 6 needs root, as <c>--fault 6</c> does (a kernel memory cgroup).
/// </summary>
public sealed class GuideLoopFaultTests(ITestOutputHelper output)
{
    /// <summary>The guide's <c>sleep 1</c> between two orders.</summary>
    static readonly TimeSpan GuidePause = TimeSpan.FromSeconds(1);

    /// <summary>The issue's bound for the customers to get the auth-service killed at 64 MiB.</summary>
    static readonly TimeSpan CustomersBound = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Fault_3_every_order_of_the_guides_loop_fails_and_the_order_service_names_the_unknown_host()
    {
        await using var run = await FaultRun.StartAsync("3");
        var orders = await GuideLoop.RunInTurnAsync(run.Http, run.Lab.GatewayUrl, GuidePause);
        output.WriteLine(GuideLoop.Describe(orders));

        // The order-service answers 502 for the database it cannot reach; the api-service passes that on.
        Assert.All(orders, o => Assert.Equal(502, o.Status));
        // How long each order takes is left out: it is the time this machine's resolver takes to
        // give up on the name (about 1 s idle, up to the 2 s attempt timeout under load).
        var failures = run.Log(ServiceCatalog.Order).Select(LogLine.Parse).Where(l => l.Event == LogEvents.DependencyCallFailed).ToList();
        Assert.True(failures.Count >= GuideLoop.Orders, $"{failures.Count} DependencyCallFailed lines for {GuideLoop.Orders} orders");
        Assert.All(failures, l => Assert.Contains("database:8080", l.Text, StringComparison.Ordinal));
        Assert.All(run.Lab.Components, c => Assert.False(c.Process.HasExited, $"{c.Name} exited"));
    }

    [Fact]
    public async Task Fault_6_the_guides_loop_run_three_times_gets_the_auth_service_oom_killed_at_64_MiB()
    {
        await using var run = await FaultRun.StartAsync("6");
        var auth = run.Lab[ServiceCatalog.Auth.Name];
        var group = MemoryLimit.Existing(run.Lab.Layout, ServiceCatalog.Auth) ?? throw new InvalidOperationException("no memory group for the auth-service");

        var orders = new List<LoopOrder>();
        for (var loop = 0; loop < 3 && !auth.Process.HasExited; loop++)
        {
            orders.AddRange(await GuideLoop.RunInTurnAsync(run.Http, run.Lab.GatewayUrl, GuidePause));
        }
        var beforeKill = orders.TakeWhile(o => o.Status == 200).Count();
        output.WriteLine($"orders answered 200 before the first failure: {beforeKill}; loops: {orders.Count / GuideLoop.Orders}; {GuideLoop.Describe(orders)}");

        Assert.True(await auth.Process.Exited.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(t => t.IsCompletedSuccessfully),
            $"the auth-service is alive after {orders.Count} guide orders at 64 MiB");
        Assert.Equal(128 + 9, auth.Process.ExitCode);
        Assert.True(group.OomKills() >= 1, "the auth-service died, but not by the kernel's OOM killer");
        Assert.Contains(orders, o => o.Status >= 500);
        Assert.All(run.Lab.Components.Where(c => c.Name != ServiceCatalog.Auth.Name), c => Assert.False(c.Process.HasExited, $"{c.Name} exited"));
    }

    [Fact]
    public async Task Fault_6_the_lab_customers_get_the_auth_service_oom_killed_at_64_MiB_within_five_minutes()
    {
        await using var run = await FaultRun.StartAsync("6");
        var auth = run.Lab[ServiceCatalog.Auth.Name];
        var group = MemoryLimit.Existing(run.Lab.Layout, ServiceCatalog.Auth) ?? throw new InvalidOperationException("no memory group for the auth-service");
        var clock = Stopwatch.StartNew();
        // The customers' own defaults (three checkouts a second), as the lab's manifest runs them.
        using var customers = CustomersProcess.Start(run.Lab.GatewayUrl, (int)CustomersBound.TotalSeconds, summarySeconds: 15,
            double.Parse(TrafficSource.Customers.Variable("CHECKOUTS_PER_SECOND").Default!, System.Globalization.CultureInfo.InvariantCulture));

        var killed = await Task.WhenAny(auth.Process.Exited, Task.Delay(CustomersBound)) == auth.Process.Exited;
        var took = clock.Elapsed;
        output.WriteLine($"auth-service {(killed ? $"killed after {took.TotalSeconds:0} s" : "alive")}; customers: {string.Join(" | ", customers.Summaries)}");

        Assert.True(killed, $"the auth-service was alive after {CustomersBound.TotalMinutes:0} minutes of the customers at 64 MiB");
        Assert.Equal(128 + 9, auth.Process.ExitCode);
        Assert.True(group.OomKills() >= 1, "the auth-service died, but not by the kernel's OOM killer");
    }

    [Fact]
    public async Task Without_faults_3_and_6_the_same_sixty_guide_orders_all_succeed_and_no_memory_group_is_made()
    {
        await using var run = await FaultRun.StartAsync();
        var orders = new List<LoopOrder>();
        for (var loop = 0; loop < 3; loop++)
        {
            orders.AddRange(await GuideLoop.RunInTurnAsync(run.Http, run.Lab.GatewayUrl, GuidePause));
        }

        Assert.All(orders, o => Assert.Equal(200, o.Status));
        Assert.Null(MemoryLimit.Existing(run.Lab.Layout, ServiceCatalog.Auth));
        Assert.All(run.Lab.Components, c => Assert.False(c.Process.HasExited, $"{c.Name} exited"));
        Assert.DoesNotContain(run.Log(ServiceCatalog.Order).Select(LogLine.Parse), l => l.Event == LogEvents.DependencyCallFailed);
    }
}
