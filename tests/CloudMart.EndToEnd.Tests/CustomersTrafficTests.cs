namespace CloudMart.EndToEnd.Tests;

/// <summary>The lab's customers as a real process against the real local system through nginx, and against a closed port.</summary>
public sealed class CustomersTrafficTests(LocalSystemFixture system, ITestOutputHelper output) : IClassFixture<LocalSystemFixture>
{
    [Fact]
    public async Task Fifteen_seconds_of_customers_store_every_checkout_they_report_as_succeeded_and_show_it_in_their_metrics()
    {
        var storedBefore = await StoredOrdersAsync();

        using var customers = CustomersProcess.Start(system.Gateway, durationSeconds: 15, summarySeconds: 5, checkoutsPerSecond: 5);
        await Task.Delay(TimeSpan.FromSeconds(8));
        var metrics = await CustomersProcess.ScrapeAsync(system.Http, customers.MetricsUrl);
        var exit = await customers.WaitForExitAsync(TimeSpan.FromSeconds(60));
        output.WriteLine(customers.LogTail);

        Assert.True(exit == 0, $"customers exit code {exit?.ToString() ?? "none (still running)"}:\n{customers.LogTail}");
        var summaries = customers.Summaries;
        Assert.InRange(summaries.Count, 3, 5); // every 5 s over 15 s, and the last window at the end
        var tried = summaries.Sum(s => s.Tried);
        var succeeded = summaries.Sum(s => s.Succeeded);
        // 75 arrivals expected; a Poisson count stays within these bounds but for one run in millions.
        Assert.InRange(tried, 40, 115);
        Assert.Equal(tried, succeeded);
        Assert.All(summaries, s => Assert.Equal(s.Tried - s.Succeeded, s.Failed));
        Assert.All(summaries.Where(s => s.Tried > 0), s =>
        {
            Assert.Equal("none", s.FailedByStatus);
            Assert.True(s.P95Seconds > 0 && s.P95Seconds <= s.MaxSeconds, $"p95 {s.P95Seconds} max {s.MaxSeconds}");
            Assert.True(s.MaxSeconds < 5, $"max {s.MaxSeconds} s is beyond the 5 s timeout the customers were given");
        });

        var stored = await StoredOrdersAsync();
        Assert.Equal(storedBefore.Count + succeeded, stored.Count);
        var mine = stored.Take(succeeded).ToList();
        Assert.Contains(mine, o => o.Customer == "guest");
        Assert.Contains(mine, o => o.Customer?.StartsWith("customer-", StringComparison.Ordinal) == true);

        Assert.Matches(@"cloudmart_customers_checkouts_total\{[^}]*outcome=""success""[^}]*\} [1-9]", metrics);
        Assert.Matches(@"cloudmart_customers_checkout_duration_seconds_bucket\{[^}]*le=""2""[^}]*\} [1-9]", metrics);
        Assert.Matches(@"cloudmart_customers_checkout_duration_seconds_bucket\{[^}]*le=""10""[^}]*\} [1-9]", metrics);
        Assert.DoesNotContain("outcome=\"failure\"", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Against_a_closed_port_the_customers_keep_trying_report_every_checkout_as_failed_and_exit_cleanly()
    {
        var closed = new Uri($"http://127.0.0.1:{CustomersProcess.FreePort()}");

        using var customers = CustomersProcess.Start(closed, durationSeconds: 6, summarySeconds: 2, checkoutsPerSecond: 5);
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.False(customers.HasExited, $"customers stopped early:\n{customers.LogTail}");
        var metrics = await CustomersProcess.ScrapeAsync(system.Http, customers.MetricsUrl);
        var exit = await customers.WaitForExitAsync(TimeSpan.FromSeconds(30));
        output.WriteLine(customers.LogTail);

        Assert.True(exit == 0, $"customers exit code {exit?.ToString() ?? "none (still running)"}:\n{customers.LogTail}");
        var summaries = customers.Summaries;
        Assert.True(summaries.Count >= 3, $"{summaries.Count} summary lines:\n{customers.LogTail}");
        Assert.All(summaries, s => Assert.Equal(0, s.Succeeded));
        Assert.InRange(summaries.Sum(s => s.Failed), 10, 60);
        Assert.Contains(summaries, s => s.FailedByStatus.Contains("unreachable", StringComparison.Ordinal));
        Assert.Matches(@"cloudmart_customers_checkouts_total\{[^}]*outcome=""failure""[^}]*status=""[a-z_]*unreachable""[^}]*\} [1-9]", metrics);
        Assert.DoesNotContain(customers.LogLines, l => l.Contains("\"level\":\"fatal\"", StringComparison.Ordinal) || l.Contains("Unhandled", StringComparison.Ordinal));
    }

    async Task<List<(string Id, string? Customer)>> StoredOrdersAsync()
    {
        // What was stored, read from the database-service itself (the public listing is per customer).
        using var response = await system.Http.GetAsync(new Uri(system.Lab[ServiceCatalog.Database.Name].Url, "/orders?limit=1000"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("orders").EnumerateArray()
            .Select(o => (o.GetProperty("id").GetString()!, o.TryGetProperty("customer", out var c) ? c.GetString() : null))
            .ToList();
    }
}
