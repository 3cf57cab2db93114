namespace CloudMart.Observability.Tests;

/// <summary>
/// The metrics a learner reads in Prometheus, checked against the real thing: a local run scraped
/// by Debian's Prometheus after real orders.
/// </summary>
[Collection(LiveCollection.Name)]
public sealed class MetricsTests(HealthyLab lab, ITestOutputHelper output) : IClassFixture<HealthyLab>
{
    const int Orders = 40;
    static readonly TimeSpan ScrapeWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Places orders until the first ones (which pay for compiling the order path) are behind,
    /// then <see cref="Orders"/> more; returns a PromQL range that covers the latter only.
    /// </summary>
    async Task<string> OrdersScrapedAsync()
    {
        const string Stored = "sum(cloudmart_dependency_duration_seconds_count{service=\"order-service\",dependency=\"database-service\"})";
        var before = await lab.Prometheus.ValuesByAsync(Stored, "service");
        Assert.All(await lab.PlaceOrdersAsync(5), code => Assert.Equal(200, code));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var clock = Stopwatch.StartNew();
        var codes = await lab.PlaceOrdersAsync(Orders);
        Assert.All(codes, code => Assert.Equal(200, code));
        // Every call of these orders is in Prometheus once the order-service's count has reached them.
        var counted = await lab.Prometheus.WaitForSeriesAsync(
            string.Create(CultureInfo.InvariantCulture, $"{Stored} >= {before.Values.Sum() + Orders + 5}"), ScrapeWait);
        Assert.NotEqual(0, counted.GetArrayLength());
        return $"[{(int)clock.Elapsed.TotalSeconds + 2}s]";
    }

    [Fact]
    public async Task Each_dependency_latency_quantile_is_close_to_its_mean()
    {
        var window = await OrdersScrapedAsync();
        const string By = "service, dependency";
        var means = await SeriesAsync($"sum by ({By}) (increase(cloudmart_dependency_duration_seconds_sum{window})) / sum by ({By}) (increase(cloudmart_dependency_duration_seconds_count{window}))");
        var p50 = await QuantilesAsync(0.5, By, window);
        var p99 = await QuantilesAsync(0.99, By, window);

        Assert.Contains("api-service/auth-service", means.Keys);
        Assert.Contains("api-service/order-service", means.Keys);
        Assert.Contains("order-service/database-service", means.Keys);
        Assert.Contains("order-service/notification-service", means.Keys);
        foreach (var (key, mean) in means)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{key}: mean {mean * 1000:F1} ms, p50 {p50[key] * 1000:F1} ms, p99 {p99[key] * 1000:F1} ms"));
        }
        foreach (var (key, mean) in means)
        {
            // A median within 4x of the mean and a 99th percentile under 20x of it: the old
            // millisecond boundaries on a seconds unit gave 50-700x for both.
            Assert.InRange(p50[key], mean / 4, mean * 4);
            Assert.InRange(p99[key], mean / 4, mean * 20);
        }
    }

    Task<Dictionary<string, double>> QuantilesAsync(double q, string by, string window) =>
        SeriesAsync(string.Create(CultureInfo.InvariantCulture,
            $"histogram_quantile({q}, sum by ({by}, le) (increase(cloudmart_dependency_duration_seconds_bucket{window})))"));

    async Task<Dictionary<string, double>> SeriesAsync(string expression)
    {
        var values = new Dictionary<string, double>();
        foreach (var series in (await lab.Prometheus.QueryAsync(expression)).EnumerateArray())
        {
            var metric = series.GetProperty("metric");
            var key = $"{metric.GetProperty("service").GetString()}/{metric.GetProperty("dependency").GetString()}";
            values[key] = double.Parse(series.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
        }
        return values;
    }

    [Fact]
    public async Task Latency_exemplars_carry_trace_ids_into_prometheus()
    {
        await OrdersScrapedAsync();
        var data = await lab.Prometheus.ExemplarsAsync("cloudmart_dependency_duration_seconds_bucket", TimeSpan.FromMinutes(10));
        var traceIds = data.EnumerateArray()
            .SelectMany(series => series.GetProperty("exemplars").EnumerateArray())
            .Select(e => e.GetProperty("labels").TryGetProperty("trace_id", out var id) ? id.GetString() : null)
            .Where(id => id is not null)
            .ToList();
        output.WriteLine($"{traceIds.Count} exemplars with a trace id");
        Assert.NotEmpty(traceIds);
        Assert.All(traceIds, id => Assert.Matches("^[0-9a-f]{32}$", id));
    }

    [Fact]
    public async Task Promtool_finds_no_error_in_any_services_metrics()
    {
        await OrdersScrapedAsync();
        foreach (var (service, url) in lab.Services)
        {
            var text = await lab.Http.GetStringAsync(new Uri(url, "/metrics"));
            var (exit, report) = await Promtool.RunAsync(text, "check", "metrics");
            output.WriteLine($"{service}: promtool exit {exit}\n{report}");
            Assert.True(exit == 0, $"{service}: {report}");
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LiveCollection
{
    public const string Name = "live local run with Prometheus";
}
