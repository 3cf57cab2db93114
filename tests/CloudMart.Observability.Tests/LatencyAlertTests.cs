using System.Collections.Concurrent;

namespace CloudMart.Observability.Tests;

/// <summary>The two checkout latency alerts of the rules file, and how to look them up.</summary>
public static class LatencyAlerts
{
    public const string AboveSla = "CheckoutLatencyAboveSla";

    public const string Critical = "CheckoutLatencyCritical";

    public const string AlertsQuery = "ALERTS{alertname=~\"CheckoutLatency.*\"}";

    /// <summary>The rule's p95 expression without its threshold (the part before the last <c>&gt;</c>).</summary>
    public static string P95Expression(string ruleExpression) => ruleExpression[..ruleExpression.LastIndexOf('>')].Trim();
}

/// <summary>
/// The slow-failure faults (7 and 8) under steady traffic make both checkout latency alerts go
/// pending and then fire in the run's own Prometheus (rules with shortened <c>for:</c>, see <see cref="ObserveRun"/>).
/// </summary>
[Collection(LiveCollection.Name)]
public sealed class LatencyAlertFiresTests(SlowFailureObserveRun run, ITestOutputHelper output) : IClassFixture<SlowFailureObserveRun>
{
    const int Customers = 8;

    [Fact]
    public async Task Both_checkout_latency_alerts_fire_under_the_slow_failure_faults()
    {
        using var traffic = new CancellationTokenSource(TimeSpan.FromSeconds(150));
        var codes = new ConcurrentBag<int>();
        var customers = Enumerable.Range(0, Customers).Select(customer => Task.Run(async () =>
        {
            for (var order = 0; order < 500 && !traffic.IsCancellationRequested; order++)
            {
                try
                {
                    codes.Add((await run.PlaceOrderAsync($"slow-{customer}-{order}", traffic.Token)).Status);
                }
                catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException)
                {
                }
            }
        })).ToList();

        var clock = Stopwatch.StartNew();
        var firstSeen = new Dictionary<string, TimeSpan>();
        while (!traffic.IsCancellationRequested
            && !(firstSeen.ContainsKey($"{LatencyAlerts.AboveSla} firing") && firstSeen.ContainsKey($"{LatencyAlerts.Critical} firing")))
        {
            foreach (var series in (await run.Prometheus.QueryAsync(LatencyAlerts.AlertsQuery)).EnumerateArray())
            {
                var labels = series.GetProperty("metric");
                firstSeen.TryAdd($"{labels.GetProperty("alertname").GetString()} {labels.GetProperty("alertstate").GetString()}", clock.Elapsed);
            }
            await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
        }
        await traffic.CancelAsync();
        await Task.WhenAll(customers);

        var p95 = await run.Prometheus.QueryAsync(LatencyAlerts.P95Expression(AlertRules.Named(LatencyAlerts.AboveSla).Expression));
        output.WriteLine($"{codes.Count} orders: {string.Join(", ", codes.GroupBy(c => c).OrderBy(g => g.Key).Select(g => $"{g.Count()}× {g.Key}"))}; checkout p95 {p95}");
        foreach (var (state, after) in firstSeen.OrderBy(s => s.Value))
        {
            output.WriteLine($"{state} after {after.TotalSeconds:0} s of traffic");
        }
        Assert.Contains($"{LatencyAlerts.AboveSla} pending", firstSeen.Keys);
        Assert.Contains($"{LatencyAlerts.AboveSla} firing", firstSeen.Keys);
        Assert.Contains($"{LatencyAlerts.Critical} pending", firstSeen.Keys);
        Assert.Contains($"{LatencyAlerts.Critical} firing", firstSeen.Keys);
    }
}

/// <summary>The shortened rules the live tests load differ from the real file only in their <c>for:</c>.</summary>
public sealed class FastRulesTests
{
    [Fact]
    public void Only_the_for_durations_change_and_each_is_divided()
    {
        var real = File.ReadAllLines(MonitoringFiles.AlertRules);
        var fast = ObserveRun.FastRules(string.Join('\n', real)).Split('\n');
        Assert.Equal(real.Length, fast.Length);
        var changed = real.Zip(fast).Where(pair => pair.First != pair.Second).ToList();
        Assert.NotEmpty(changed);
        Assert.All(changed, pair => Assert.StartsWith("for:", pair.First.Trim(), StringComparison.Ordinal));
        Assert.Contains(changed, pair => pair.First.Trim() == "for: 5m" && pair.Second.Trim() == "for: 10s");
        Assert.Contains(changed, pair => pair.First.Trim() == "for: 2m" && pair.Second.Trim() == "for: 4s");
    }
}
