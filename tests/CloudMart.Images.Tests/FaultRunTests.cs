using System.Net.Http.Json;
using CloudMart.Images.Tests.Support;

namespace CloudMart.Images.Tests;

/// <summary>
/// Lab faults as the images show them in containers: each starts from the solution's settings and
/// takes one setting from the broken-production manifests (or drops one), as a learner meets it.
/// </summary>
public sealed class FaultRunTests
{
    static readonly TimeSpan LoadTime = TimeSpan.FromSeconds(20);

    /// <summary>How the broken-production manifests run a service (the services read here mount no ConfigMap).</summary>
    static PodRun Broken(string service) => PodRun.FromManifests(ContainerLab.Broken, service, Path.GetTempPath());

    static string BrokenVariable(string service, string name) =>
        Broken(service).Environment.TryGetValue(name, out var value)
            ? value
            : throw new InvalidOperationException($"the broken-production manifest of {service} does not set {name}");

    [Fact]
    public void Fault1_database_service_without_DB_NAME_exits_1_with_a_FATAL_line()
    {
        using var lab = new ContainerLab();
        var run = lab.Plan("database-service");
        Assert.True(run.Environment.Remove("DB_NAME"));

        lab.Start(run);

        Assert.Equal(1, lab.WaitExit("database-service", TimeSpan.FromSeconds(30)));
        Assert.Contains(lab.LogLines("database-service"), l => l.Contains("FATAL", StringComparison.Ordinal) && l.Contains("DB_NAME", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fault3_order_service_with_the_broken_DATABASE_URL_fails_orders_naming_the_host_it_cannot_resolve()
    {
        var brokenUrl = BrokenVariable("order-service", "DATABASE_URL");
        using var lab = new ContainerLab();
        lab.StartSolution("database-service", "notification-service", "auth-service");
        var order = lab.Plan("order-service");
        order.Environment["DATABASE_URL"] = brokenUrl;
        lab.Start(order);
        lab.WaitHealthy("order-service");
        lab.StartSolution("api-service", "gateway");

        using var http = new HttpClient { BaseAddress = lab.BaseUri("gateway"), Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.PostAsJsonAsync("api/orders", new { item = "item-1", quantity = 1 });
        var body = await response.Content.ReadAsStringAsync();

        Assert.True((int)response.StatusCode >= 500, $"{(int)response.StatusCode}: {body}");
        Assert.Contains("database", body, StringComparison.Ordinal);
        Assert.Contains(lab.LogLines("order-service"), l => l.Contains(brokenUrl, StringComparison.Ordinal)
            && (l.Contains("Name or service not known", StringComparison.Ordinal) || l.Contains("Resource temporarily unavailable", StringComparison.Ordinal) || l.Contains("resolve", StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public async Task Fault8_database_service_with_the_broken_CHAOS_FAILURE_RATE_fails_about_half_of_the_stores_on_purpose()
    {
        var rate = BrokenVariable("database-service", "CHAOS_FAILURE_RATE");
        using var lab = new ContainerLab();
        var database = lab.Plan("database-service");
        database.Environment["CHAOS_FAILURE_RATE"] = rate;
        lab.Start(database);
        lab.WaitHealthy("database-service");

        using var http = new HttpClient { BaseAddress = lab.BaseUri("database-service"), Timeout = TimeSpan.FromSeconds(10) };
        var failed = 0;
        // Ten at a time: an injected failure answers only after its deliberate wait.
        await Parallel.ForEachAsync(Enumerable.Range(0, 60), new ParallelOptions { MaxDegreeOfParallelism = 10 }, async (n, cancel) =>
        {
            using var response = await http.PostAsJsonAsync("store", new { id = $"chaos-{n}", item = "item", quantity = 1, timestamp = DateTimeOffset.UtcNow }, cancel);
            // 503 is the database's own write pause (its checkpoint), not the chaos flag: only 500s are injected.
            if ((int)response.StatusCode == 500)
            {
                Interlocked.Increment(ref failed);
                Assert.Contains("Injected failure", await response.Content.ReadAsStringAsync(cancel), StringComparison.Ordinal);
            }
        });

        Assert.InRange(failed, 12, 48);
        Assert.Equal(failed, lab.LogLines("database-service").Count(l => l.Contains($"Injected failure: CHAOS_FAILURE_RATE={rate}", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Fault_6_auth_service_at_the_broken_64_MiB_limit_is_oom_killed_under_guest_orders()
    {
        using var lab = StartForLoad(Broken("auth-service").MemoryBytes);

        var orders = await GuestOrdersAsync(lab);

        Assert.True(lab.WaitExit("auth-service", TimeSpan.FromSeconds(10)) is not null, $"the auth-service survived 64 MiB after {orders} orders");
        Assert.Equal("true", Docker.Inspect(lab.Containers["auth-service"], "{{.State.OOMKilled}}"));
    }

    [Fact]
    public async Task Fault_6_auth_service_at_the_solutions_128_MiB_limit_stays_up_under_the_same_load()
    {
        using var lab = StartForLoad(memoryBytes: null);

        var orders = await GuestOrdersAsync(lab);

        Assert.True(lab.Running("auth-service"), $"the auth-service stopped within the solution's limit after {orders} orders: {lab.Logs("auth-service")}");
        Assert.Equal("false", Docker.Inspect(lab.Containers["auth-service"], "{{.State.OOMKilled}}"));
        Assert.True(orders >= 900, $"only {orders} orders in {LoadTime.TotalSeconds} s: too few to fill the session cache");
    }

    /// <summary>The chain behind the api-service, the auth-service with the given memory limit (null: the solution's).</summary>
    static ContainerLab StartForLoad(long? memoryBytes)
    {
        var lab = new ContainerLab();
        try
        {
            lab.StartSolution("database-service", "notification-service", "order-service");
            var auth = lab.Plan("auth-service");
            Assert.Equal(128L * 1024 * 1024, auth.MemoryBytes);
            auth.MemoryBytes = memoryBytes ?? auth.MemoryBytes;
            lab.Start(auth);
            lab.WaitHealthy("auth-service");
            lab.StartSolution("api-service");
            return lab;
        }
        catch
        {
            lab.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Guest orders (no token: each one a guest validation at the auth-service) from 8 clients to
    /// the api-service, for <see cref="LoadTime"/> or until the auth-service stops.
    /// </summary>
    static async Task<long> GuestOrdersAsync(ContainerLab lab)
    {
        using var stop = new CancellationTokenSource(LoadTime);
        using var http = new HttpClient { BaseAddress = lab.BaseUri("api-service"), Timeout = TimeSpan.FromSeconds(5) };
        long orders = 0;
        var clients = Enumerable.Range(0, 8).Select(async client =>
        {
            for (var n = 0; !stop.IsCancellationRequested && n < 100_000; n++)
            {
                try
                {
                    using var response = await http.PostAsJsonAsync("api/orders", new { item = $"load-{client}-{n}", quantity = 1 }, stop.Token);
                    if (response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref orders);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    // The auth-service may be gone; the test decides from its state.
                }
            }
        }).ToList();
        while (!stop.IsCancellationRequested && lab.Running("auth-service"))
        {
            await Task.Delay(500);
        }
        await stop.CancelAsync();
        await Task.WhenAll(clients);
        return Interlocked.Read(ref orders);
    }
}
