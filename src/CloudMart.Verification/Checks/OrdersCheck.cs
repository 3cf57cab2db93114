namespace CloudMart.Verification.Checks;

/// <summary>The guide's order test as a check: N orders through the gateway, each HTTP 200 in under 2 s.</summary>
public static class OrdersCheck
{
    public const string Name = "orders";

    public static string Title(int orders) => $"{orders} of {orders} orders succeed in under {LoadPlan.LatencyLimit.TotalSeconds:0} s";

    /// <summary>Runs the orders and judges them; <paramref name="via"/> says how the gateway was reached, for the evidence.</summary>
    public static async Task<(CheckResult Result, LoadReport Report)> RunAsync(LoadPlan plan, string? via, Action<string> progress, CancellationToken cancellationToken)
    {
        var done = 0;
        var failed = 0;
        var report = await OrderLoad.RunAsync(plan, outcome =>
        {
            done++;
            if (!outcome.Succeeded || outcome.Slow)
            {
                failed++;
            }
            progress($"{done} of {plan.OrderLimit} orders sent, {failed} failed or slow");
        }, cancellationToken);
        return (Judge(report, via), report);
    }

    public static CheckResult Judge(LoadReport report, string? via)
    {
        var plan = report.Plan;
        var evidence = new List<string>
        {
            $"POST {plan.OrdersUrl}{(via is null ? "" : $" ({via})")}, {report.Sent} orders"
                + (plan.Interval > TimeSpan.Zero ? $" {LoadPlan.Describe(plan.Interval)} apart" : ""),
            "results: " + (report.Sent == 0 ? "none" : string.Join(", ", report.Results.Select(r => $"{r.Key} × {r.Value}"))),
        };
        if (report.Sent > 0)
        {
            evidence.Add($"latency p50 {LoadReport.Milliseconds(report.Percentile(50))}, p95 {LoadReport.Milliseconds(report.Percentile(95))}, max {LoadReport.Milliseconds(report.Max)}");
        }
        if (report.SlowestTraced is { } slowest)
        {
            evidence.Add($"slowest traced order: item-{slowest.Number} ({slowest.Result}, {LoadReport.Milliseconds(slowest.Latency)}), trace {slowest.TraceId}");
        }
        foreach (var order in report.Orders.Where(o => !o.Succeeded || o.Slow).Take(5))
        {
            evidence.Add($"item-{order.Number}: {order.Result} after {LoadReport.Milliseconds(order.Latency)}"
                + (order.Detail is { } detail ? $": {detail}" : "")
                + (order.TraceId is { } trace ? $" (trace {trace})" : ""));
        }
        var expected = plan.Orders ?? report.Sent;
        var passed = report.Passed && report.Sent == expected;
        var summary = passed
            ? $"{report.Succeeded} of {report.Sent} orders got HTTP 200, slowest {LoadReport.Milliseconds(report.Max)}"
            : report.Sent == 0 ? "no order could be sent" : report.Verdict;
        return CheckResult.From(passed, Name, Title(expected), summary, evidence);
    }

    /// <summary>The trace id to follow through the system: the first order that succeeded, or else the first that has one.</summary>
    public static string? TraceToFollow(LoadReport? report) =>
        report?.Orders.FirstOrDefault(o => o.Succeeded && o.TraceId is not null)?.TraceId
        ?? report?.Orders.FirstOrDefault(o => o.TraceId is not null)?.TraceId;
}
