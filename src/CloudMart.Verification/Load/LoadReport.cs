using System.Globalization;

namespace CloudMart.Verification.Load;

/// <summary>
/// The figures of a load run and its verdict against the guide's success criteria: every order
/// answered 200, and every one in less than 2 s.
/// </summary>
public sealed record LoadReport(LoadPlan Plan, IReadOnlyList<OrderOutcome> Orders, TimeSpan Elapsed, bool Interrupted)
{
    public int Sent => Orders.Count;

    public int Succeeded => Orders.Count(o => o.Succeeded);

    public int Failed => Sent - Succeeded;

    /// <summary>Orders that took 2 s or more, whatever their status.</summary>
    public int SlowCount => Orders.Count(o => o.Slow);

    public double SuccessRate => Sent == 0 ? 0 : (double)Succeeded / Sent;

    public double OrdersPerSecond => Elapsed > TimeSpan.Zero ? Sent / Elapsed.TotalSeconds : 0;

    /// <summary>How many orders got each result: a status code, or what happened instead.</summary>
    public IReadOnlyList<KeyValuePair<string, int>> Results =>
        Orders.GroupBy(o => o.Result)
            .Select(g => KeyValuePair.Create(g.Key, g.Count()))
            .OrderBy(p => p.Key.Length == 3 && p.Key.All(char.IsAsciiDigit) ? 0 : 1)
            .ThenBy(p => p.Key, StringComparer.Ordinal)
            .ToList();

    /// <summary>The latency that <paramref name="percent"/> of orders stayed within (nearest rank), over every order, failed ones included.</summary>
    public TimeSpan Percentile(double percent)
    {
        if (Sent == 0)
        {
            return TimeSpan.Zero;
        }
        var sorted = Orders.Select(o => o.Latency).Order().ToList();
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    public TimeSpan Max => Sent == 0 ? TimeSpan.Zero : Orders.Max(o => o.Latency);

    public OrderOutcome? Slowest => Orders.MaxBy(o => o.Latency);

    /// <summary>The slowest order that came back with a trace id, to look up in Tempo.</summary>
    public OrderOutcome? SlowestTraced => Orders.Where(o => o.TraceId is not null).MaxBy(o => o.Latency);

    /// <summary>True when the guide's criteria hold: at least one order, all of them 200, all under 2 s, and the run not cut short.</summary>
    public bool Passed => Problems.Count == 0;

    /// <summary>Each criterion missed, in words; empty when the run passed.</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            var problems = new List<string>();
            if (Interrupted)
            {
                problems.Add("interrupted before every order was sent");
            }
            if (Sent == 0)
            {
                problems.Add("no order was sent");
                return problems;
            }
            if (Failed > 0)
            {
                var why = string.Join(", ", Results.Where(r => r.Key != "200").Select(r => $"{r.Value} × {r.Key}"));
                problems.Add($"{Failed} of {Sent} orders did not get HTTP 200 ({why})");
            }
            if (SlowCount > 0)
            {
                problems.Add($"{SlowCount} of {Sent} orders took {LoadPlan.LatencyLimit.TotalSeconds:0} s or more (slowest {Seconds(Max)})");
            }
            return problems;
        }
    }

    /// <summary>One line: "20 of 20 orders HTTP 200, all under 2 s (p95 12 ms)" or what was missed.</summary>
    public string Verdict => Passed
        ? $"{Succeeded} of {Sent} orders got HTTP 200, all under {LoadPlan.LatencyLimit.TotalSeconds:0} s (p95 {Milliseconds(Percentile(95))}, max {Milliseconds(Max)})"
        : string.Join("; ", Problems);

    public static string Milliseconds(TimeSpan value) =>
        value.TotalMilliseconds < 10
            ? value.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ms"
            : value.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

    public static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";

    /// <summary>The report as the machine-readable document of <c>--json</c>.</summary>
    public LoadJson ToJson() => new(
        Url: Plan.OrdersUrl.ToString(),
        Passed: Passed,
        Problems: Problems,
        Interrupted: Interrupted,
        Sent: Sent,
        Succeeded: Succeeded,
        Failed: Failed,
        Slow: SlowCount,
        SuccessRate: Math.Round(SuccessRate, 4),
        Results: Results.ToDictionary(r => r.Key, r => r.Value),
        LatencyMs: new LatencyJson(Ms(Percentile(50)), Ms(Percentile(90)), Ms(Percentile(95)), Ms(Percentile(99)), Ms(Max)),
        Slowest: Slowest is { } slowest ? OrderJson.From(slowest) : null,
        SlowestTraceId: SlowestTraced?.TraceId,
        ElapsedSeconds: Math.Round(Elapsed.TotalSeconds, 3),
        OrdersPerSecond: Math.Round(OrdersPerSecond, 2),
        Plan: new PlanJson(Plan.Orders, Plan.Interval.TotalSeconds, Plan.Concurrency, Plan.Rate, Plan.Duration?.TotalSeconds, Plan.RequestTimeout.TotalSeconds),
        FailedOrders: Orders.Where(o => !o.Succeeded || o.Slow).Take(100).Select(OrderJson.From).ToList());

    static double Ms(TimeSpan value) => Math.Round(value.TotalMilliseconds, 2);
}

public sealed record LoadJson(
    string Url,
    bool Passed,
    IReadOnlyList<string> Problems,
    bool Interrupted,
    int Sent,
    int Succeeded,
    int Failed,
    int Slow,
    double SuccessRate,
    IReadOnlyDictionary<string, int> Results,
    LatencyJson LatencyMs,
    OrderJson? Slowest,
    string? SlowestTraceId,
    double ElapsedSeconds,
    double OrdersPerSecond,
    PlanJson Plan,
    IReadOnlyList<OrderJson> FailedOrders);

public sealed record LatencyJson(double P50, double P90, double P95, double P99, double Max);

public sealed record PlanJson(int? Orders, double IntervalSeconds, int Concurrency, double? Rate, double? DurationSeconds, double TimeoutSeconds);

public sealed record OrderJson(int Number, string Item, int? Status, string? Error, double LatencyMs, string? TraceId, string? Detail)
{
    public static OrderJson From(OrderOutcome o) =>
        new(o.Number, $"item-{o.Number}", o.Status, o.Error, Math.Round(o.Latency.TotalMilliseconds, 2), o.TraceId, o.Detail);
}
