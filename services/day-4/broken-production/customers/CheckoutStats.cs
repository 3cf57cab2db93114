using System.Diagnostics;
using System.Diagnostics.Metrics;
using CloudMart.ServiceDefaults.Telemetry;

namespace CloudMart.Customers;

/// <summary>The customers' experience over one summary window.</summary>
public sealed record CheckoutSummary(
    TimeSpan Window,
    int Tried,
    int Succeeded,
    IReadOnlyDictionary<string, int> FailedByStatus,
    int TurnedAway,
    double? P95Seconds,
    double? MaxSeconds)
{
    public int Failed => Tried - Succeeded;

    /// <summary>"502: 4, timeout: 1", most frequent first; "none" when nothing failed.</summary>
    public string FailedByStatusText => FailedByStatus.Count == 0
        ? "none"
        : string.Join(", ", FailedByStatus.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}: {p.Value}"));
}

/// <summary>
/// Counts checkouts as the customers experienced them, twice: in Prometheus instruments that
/// add up for ever, and in a window the log's summary line reads and empties.
/// </summary>
public sealed class CheckoutStats
{
    /// <summary>Enough samples for a p95 at up to about 800 checkouts a second over a minute; beyond, the window keeps its first ones.</summary>
    const int MaxSamples = 50_000;

    static readonly Counter<long> Checkouts = CloudMartTelemetry.Meter.CreateCounter<long>(
        "cloudmart.customers.checkouts", "{checkout}", "Checkouts the lab's customers tried, by outcome (success, failure) and status");

    // Buckets on both sides of 2 s (the SLA) and 10 s (the latency alert), so both can be read from the histogram.
    static readonly Histogram<double> Duration = CloudMartTelemetry.Meter.CreateHistogram<double>(
        "cloudmart.customers.checkout.duration", "s", "Time a customer waited for a checkout's final answer, a retry included",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 15, 20, 30, 60] });

    static readonly Counter<long> Retries = CloudMartTelemetry.Meter.CreateCounter<long>(
        "cloudmart.customers.checkout.retries", "{retry}", "Checkouts sent a second time (same idempotency key) after a 5xx or a timeout");

    static readonly Counter<long> OrderViews = CloudMartTelemetry.Meter.CreateCounter<long>(
        "cloudmart.customers.order_views", "{view}", "Times a signed-in customer looked at their orders, by status");

    static readonly Counter<long> TurnedAwayTotal = CloudMartTelemetry.Meter.CreateCounter<long>(
        "cloudmart.customers.turned_away", "{customer}", "Arrivals not started because too many visits were still waiting on the shop");

    readonly object _gate = new();
    readonly Dictionary<string, int> _failed = new(StringComparer.Ordinal);
    readonly List<double> _seconds = [];
    long _windowStart = Stopwatch.GetTimestamp();
    int _tried;
    int _succeeded;
    int _turnedAway;

    public void RecordCheckout(Answer answer, TimeSpan elapsed, string customerKind, string? statusPrefix = null)
    {
        var status = statusPrefix + answer.Label;
        var tags = new TagList { { "outcome", answer.Succeeded ? "success" : "failure" }, { "status", status }, { "customer", customerKind } };
        Checkouts.Add(1, tags);
        Duration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", answer.Succeeded ? "success" : "failure"));
        lock (_gate)
        {
            _tried++;
            if (answer.Succeeded)
            {
                _succeeded++;
            }
            else
            {
                _failed[status] = _failed.GetValueOrDefault(status) + 1;
            }
            if (_seconds.Count < MaxSamples)
            {
                _seconds.Add(elapsed.TotalSeconds);
            }
        }
    }

    public static void RecordRetry() => Retries.Add(1);

    public static void RecordOrderView(Answer answer) => OrderViews.Add(1, new KeyValuePair<string, object?>("status", answer.Label));

    public void RecordTurnedAway()
    {
        TurnedAwayTotal.Add(1);
        lock (_gate)
        {
            _turnedAway++;
        }
    }

    /// <summary>The window since the last call, which starts a new one.</summary>
    public CheckoutSummary TakeWindow()
    {
        lock (_gate)
        {
            var now = Stopwatch.GetTimestamp();
            _seconds.Sort();
            var summary = new CheckoutSummary(Stopwatch.GetElapsedTime(_windowStart, now), _tried, _succeeded,
                new Dictionary<string, int>(_failed, StringComparer.Ordinal), _turnedAway,
                _seconds.Count == 0 ? null : Percentile(_seconds, 0.95), _seconds.Count == 0 ? null : _seconds[^1]);
            _windowStart = now;
            _tried = _succeeded = _turnedAway = 0;
            _failed.Clear();
            _seconds.Clear();
            return summary;
        }
    }

    /// <summary>The nearest-rank percentile of sorted values: the smallest value at least a share <paramref name="p"/> of them do not exceed.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
