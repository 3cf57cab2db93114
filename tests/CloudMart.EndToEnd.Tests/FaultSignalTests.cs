namespace CloudMart.EndToEnd.Tests;

/// <summary>
/// Each lab fault that exists outside Kubernetes, put back with <c>up --fault N</c>, gives the
/// signal the guide's alerts promise, driven by the guide's 20-order loop or by the lab's customers;
/// and the signal is gone once the fault is fixed.
/// </summary>
public sealed class FaultSignalTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Faults_7_and_8_fail_a_large_share_of_the_guides_orders_and_push_their_p95_past_10_s()
    {
        await using var run = await FaultRun.StartAsync("7", "8");
        var orders = await GuideLoop.RunAsync(run.Http, run.Lab.GatewayUrl);
        output.WriteLine(GuideLoop.Describe(orders));

        var failed = orders.Where(o => o.Status >= 500).ToList();
        // At a failure rate of 0.5 per order, fewer than 3 failures in 20 happens twice in 10,000 runs.
        Assert.True(failed.Count >= 3, $"{failed.Count} of 20 orders failed: {GuideLoop.Describe(orders)}");
        Assert.All(orders, o => Assert.True(o.Status is 200 or >= 500, $"status {o.Status}"));
        Assert.True(GuideLoop.P95(orders) > TimeSpan.FromSeconds(10), $"p95 {GuideLoop.P95(orders).TotalSeconds:0.0} s: {GuideLoop.Describe(orders)}");
        output.WriteLine($"failed {failed.Count}/20, p95 {GuideLoop.P95(orders).TotalSeconds:0.0} s");

        // Every attempt at a failing order failed again, straight after the one before.
        var retries = run.Log(ServiceCatalog.Order).Where(l => l.Contains("Retrying database-service", StringComparison.Ordinal)).ToList();
        Assert.Equal(3 * failed.Count, retries.Count(l => l.Contains("after 0 ms: HTTP 500", StringComparison.Ordinal)));
        Assert.Equal(4 * failed.Count, run.Log(ServiceCatalog.Database).Count(l => l.Contains("\"event\":\"ChaosInjectedFailure\"", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Fault_8_with_the_retry_fixed_still_fails_a_large_share_of_the_guides_orders()
    {
        await using var run = await FaultRun.StartAsync("8");
        var orders = await GuideLoop.RunAsync(run.Http, run.Lab.GatewayUrl);
        output.WriteLine(GuideLoop.Describe(orders));

        var failed = orders.Count(o => o.Status >= 500);
        Assert.True(failed >= 3, $"{failed} of 20 orders failed: {GuideLoop.Describe(orders)}");
        Assert.True(orders.Count(o => o.Status == 200) >= 3, GuideLoop.Describe(orders));
        output.WriteLine($"failed {failed}/20, p95 {GuideLoop.P95(orders).TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task With_every_fault_fixed_the_guides_orders_all_succeed_in_under_2_s()
    {
        await using var run = await FaultRun.StartAsync();
        var orders = await GuideLoop.RunAsync(run.Http, run.Lab.GatewayUrl);
        output.WriteLine(GuideLoop.Describe(orders));

        Assert.All(orders, o => Assert.Equal(200, o.Status));
        Assert.True(GuideLoop.P95(orders) < TimeSpan.FromSeconds(2), GuideLoop.Describe(orders));
        Assert.Contains(run.Log(ServiceCatalog.Order), l => l.Contains("Store retry policy: exponential backoff", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fault_7_alone_turns_each_checkpoint_pause_into_retry_bursts_and_failed_orders()
    {
        await using var run = await FaultRun.StartAsync("7");
        var (summaries, orderLog) = await CustomersAsync(run);

        var bursts = orderLog.Count(l => l.Contains("Retrying database-service", StringComparison.Ordinal) && l.Contains("after 0 ms: HTTP 503", StringComparison.Ordinal));
        var lost = orderLog.Count(l => l.Contains("\"event\":\"OrderNotStored\"", StringComparison.Ordinal));
        output.WriteLine($"immediate retries into a pause: {bursts}; orders not stored: {lost}; customers: {string.Join(" | ", summaries)}");
        Assert.True(lost >= 1, "no order failed at a checkpoint pause");
        Assert.True(bursts >= 3 * lost, $"{bursts} immediate retries for {lost} lost orders");
        Assert.Contains(orderLog, l => l.Contains("Store retry policy: immediate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fault_7_fixed_the_same_customers_lose_no_order_the_pauses_are_absorbed_by_backoff()
    {
        await using var run = await FaultRun.StartAsync();
        var (summaries, orderLog) = await CustomersAsync(run);

        var waited = orderLog.Count(l => l.Contains("Retrying database-service", StringComparison.Ordinal) && l.Contains("HTTP 503", StringComparison.Ordinal));
        output.WriteLine($"retries after a pause: {waited}; customers: {string.Join(" | ", summaries)}");
        Assert.DoesNotContain(orderLog, l => l.Contains("\"event\":\"OrderNotStored\"", StringComparison.Ordinal));
        Assert.DoesNotContain(orderLog, l => l.Contains("after 0 ms", StringComparison.Ordinal));
        Assert.True(summaries.Sum(s => s.Tried) > 0);
        Assert.Equal(0, summaries.Sum(s => s.Failed));
    }

    [Fact]
    public async Task Fault_1_the_database_service_exits_at_start_and_the_rest_keeps_running()
    {
        await using var run = await FaultRun.StartAsync("1");
        var database = run.Lab[ServiceCatalog.Database.Name];
        await database.Process.Exited.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, database.Process.ExitCode);
        Assert.Contains(run.Log(ServiceCatalog.Database), l => l.Contains("DB_NAME", StringComparison.Ordinal));
        Assert.All(run.Lab.Components.Where(c => c.Name != ServiceCatalog.Database.Name), c => Assert.False(c.Process.HasExited, c.Name));
        var orders = await GuideLoop.RunAsync(run.Http, run.Lab.GatewayUrl);
        Assert.All(orders, o => Assert.True(o.Status >= 500, $"status {o.Status}"));
    }

    /// <summary>45 s of the lab's customers at 5 checkouts a second: two or three of the database's checkpoint pauses.</summary>
    static async Task<(IReadOnlyList<CustomersSummaryLine> Summaries, IReadOnlyList<string> OrderLog)> CustomersAsync(FaultRun run)
    {
        using var customers = CustomersProcess.Start(run.Lab.GatewayUrl, durationSeconds: 45, summarySeconds: 15, checkoutsPerSecond: 5,
            new Dictionary<string, string> { ["CHECKOUT_TIMEOUT_SECONDS"] = "20" });
        var exit = await customers.WaitForExitAsync(TimeSpan.FromSeconds(75));
        Assert.True(exit == 0, $"customers exit code {exit?.ToString() ?? "none"}:\n{customers.LogTail}");
        return (customers.Summaries, run.Log(ServiceCatalog.Order));
    }
}
