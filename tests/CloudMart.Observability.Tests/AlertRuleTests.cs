namespace CloudMart.Observability.Tests;

/// <summary>The rules file is valid and its unit tests pass, with Debian's promtool.</summary>
public sealed class AlertRuleFileTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Promtool_accepts_the_rules()
    {
        var (exit, report) = await Promtool.RunAsync(null, "check", "rules", MonitoringFiles.AlertRules);
        output.WriteLine(report);
        Assert.True(exit == 0, report);
        Assert.Contains($"SUCCESS: {AlertRules.Load().Count} rules found", report);
    }

    [Fact]
    public async Task The_rules_unit_tests_pass()
    {
        var (exit, report) = await Promtool.RunAsync(null, "test", "rules", MonitoringFiles.AlertRuleTests);
        output.WriteLine(report);
        Assert.True(exit == 0, report);
    }

    [Fact]
    public void The_scenarios_alerts_are_all_there()
    {
        var names = AlertRules.Load().Select(r => r.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "CheckoutErrorRateHigh", "CheckoutLatencyCritical", "PodRestarting", "ContainerOOMKilled" }, names);
        Assert.Contains("kube_pod_container_status_last_terminated_reason", AlertRules.Named("ContainerOOMKilled").Expression);
    }
}

/// <summary>With every store call failing, the checkout error-rate rule's expression returns a series and the alert is at least pending.</summary>
[Collection(LiveCollection.Name)]
public sealed class ErrorRateAlertFiresTests(FailingStoreLab lab) : IClassFixture<FailingStoreLab>
{
    [Fact]
    public async Task The_checkout_error_rate_alert_goes_off_when_stores_fail()
    {
        await lab.CheckoutSeriesScrapedAsync();
        // Ten at a time: a failing order waits out the store's backoff retries, and the rule looks at rates, not order.
        var codes = await lab.PlaceOrdersAsync(20, concurrency: 10);
        Assert.Equal(20, codes.Count);
        Assert.All(codes, code => Assert.True(code >= 500, $"an order returned {code} although every store call fails"));

        var rule = AlertRules.Named("CheckoutErrorRateHigh");
        var result = await lab.Prometheus.WaitForSeriesAsync(rule.Expression, TimeSpan.FromSeconds(30));
        Assert.Equal(1, result.GetArrayLength());
        // Prometheus evaluates the rule file itself: the alert is pending (its `for:` is running) or firing.
        var alert = await lab.Prometheus.WaitForSeriesAsync("ALERTS{alertname=\"CheckoutErrorRateHigh\"}", TimeSpan.FromSeconds(30));
        Assert.Equal(1, alert.GetArrayLength());
    }
}

/// <summary>On a healthy run the same expression returns nothing.</summary>
[Collection(LiveCollection.Name)]
public sealed class ErrorRateAlertQuietTests(HealthyLab lab) : IClassFixture<HealthyLab>
{
    [Fact]
    public async Task The_checkout_error_rate_alert_stays_quiet_on_a_healthy_run()
    {
        await lab.CheckoutSeriesScrapedAsync();
        var codes = await lab.PlaceOrdersAsync(20);
        Assert.All(codes, code => Assert.Equal(200, code));
        var rule = AlertRules.Named("CheckoutErrorRateHigh");
        // The denominator has data (the query itself works on this run), the ratio stays under 5%.
        var total = await lab.Prometheus.WaitForSeriesAsync(
            "sum(rate(http_server_request_duration_seconds_count{service=\"api-service\", http_route=\"/api/orders\", http_request_method=\"POST\"}[1m])) > 0",
            TimeSpan.FromSeconds(30));
        Assert.Equal(1, total.GetArrayLength());
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(0, (await lab.Prometheus.QueryAsync(rule.Expression)).GetArrayLength());
        Assert.Equal(0, (await lab.Prometheus.QueryAsync("ALERTS{alertname=\"CheckoutErrorRateHigh\"}")).GetArrayLength());
    }
}
