using Microsoft.Playwright;

namespace CloudMart.Observability.Tests;

/// <summary>
/// <c>up --observe</c> on a healthy run, as a learner uses it: one order's trace opened in the Aspire
/// Dashboard in a real (headless) chromium; the latency alerts quiet in its Prometheus.
/// </summary>
[Collection(LiveCollection.Name)]
public sealed class HealthyObserveRunTests(HealthyObserveRun run, ITestOutputHelper output) : IClassFixture<HealthyObserveRun>
{
    [Fact]
    public async Task One_orders_trace_in_the_dashboard_has_spans_of_all_five_services()
    {
        var (status, traceId) = await run.PlaceOrderAsync("observe-trace");
        Assert.Equal(200, status);
        Assert.Matches("^[0-9a-f]{32}$", traceId);

        await using var chromium = await HeadlessChromium.LaunchAsync();
        var page = await chromium.Browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
        page.SetDefaultTimeout(30_000);
        var detail = new Uri(run.ObservePorts.DashboardUrl, $"/traces/detail/{traceId}").ToString();
        var services = ServiceCatalog.Services.Select(s => s.Name).ToList();
        // The services export spans in batches (every 5 s by default), so the page may first show
        // part of the trace: it is opened again until every service's span is listed, for a minute at most.
        var clock = Stopwatch.StartNew();
        List<string> missing;
        string spans;
        do
        {
            await page.GotoAsync(detail);
            await page.WaitForTimeoutAsync(2_000);
            spans = await SpanRowsTextAsync(page);
            missing = [.. services.Where(s => !spans.Contains(s, StringComparison.Ordinal))];
        }
        while (missing.Count > 0 && clock.Elapsed < TimeSpan.FromSeconds(60));
        output.WriteLine(spans);

        Assert.True(missing.Count == 0, $"the trace {traceId} in the dashboard lacks spans of {string.Join(", ", missing)}:\n{spans}");
        Assert.Contains("POST /api/orders", spans, StringComparison.Ordinal);
        var folder = Path.Combine(TestMachine.RepositoryRoot, "artifacts", "observe");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, "trace.png") });
    }

    [Fact]
    public async Task The_checkout_latency_alerts_stay_quiet_on_a_healthy_run()
    {
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(200, (await run.PlaceOrderAsync($"quiet-{i}")).Status);
        }
        var p95 = LatencyAlerts.P95Expression(AlertRules.Named(LatencyAlerts.AboveSla).Expression);
        var scraped = await run.Prometheus.WaitForSeriesAsync(p95, TimeSpan.FromSeconds(30));
        Assert.Equal(1, scraped.GetArrayLength());
        // Longer than the shortened `for:` of both alerts, so a pending alert would have fired by now.
        await Task.Delay(TimeSpan.FromSeconds(15));
        var value = (await run.Prometheus.ValuesByAsync(p95, "le")).Values.Single();
        output.WriteLine($"checkout p95 on the healthy run: {value:0.000} s");
        Assert.InRange(value, 0, 2);
        Assert.Equal(0, (await run.Prometheus.QueryAsync(LatencyAlerts.AlertsQuery)).GetArrayLength());
    }

    /// <summary>The text of the trace's span rows (the grid of the detail page), not the page's menus.</summary>
    static async Task<string> SpanRowsTextAsync(IPage page)
    {
        var rows = page.Locator("[role=row]");
        var texts = await rows.AllInnerTextsAsync();
        return string.Join('\n', texts);
    }
}
