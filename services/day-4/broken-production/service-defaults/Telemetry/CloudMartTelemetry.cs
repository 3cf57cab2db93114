using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CloudMart.ServiceDefaults.Telemetry;

/// <summary>
/// The spans and instruments CloudMart's own code records, beside what the ASP.NET Core,
/// HttpClient and runtime instrumentation give. One source and one meter, named "CloudMart".
/// </summary>
public static class CloudMartTelemetry
{
    public const string Name = "CloudMart";

    /// <summary>
    /// Bucket boundaries, in seconds, of every latency histogram: fine below 100 ms where healthy
    /// calls fall, 2 s (the checkout SLA) and 10 s (the lab's alert) as exact edges, and room
    /// above 10 s so that a p95 past the alert threshold is still a figure, not +Inf.
    /// </summary>
    public static readonly double[] LatencyBoundaries =
        [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2, 2.5, 5, 7.5, 10, 15, 20, 30];

    public static readonly ActivitySource Source = new(Name);
    public static readonly Meter Meter = new(Name);

    /// <summary>Calls to another service, by dependency and outcome (success, http_4xx, http_5xx, unreachable, timeout).</summary>
    public static readonly Counter<long> DependencyCalls =
        Meter.CreateCounter<long>("cloudmart.dependency.calls", "{call}", "Calls made to another CloudMart service, by dependency and outcome");

    public static readonly Histogram<double> DependencyDuration =
        Meter.CreateHistogram<double>("cloudmart.dependency.duration", "s", "Time taken by calls to another CloudMart service, retries included");

    public static readonly Counter<long> Retries =
        Meter.CreateCounter<long>("cloudmart.dependency.retries", "{retry}", "Attempts repeated after a failed call to another service");

    public static void RecordCall(string dependency, string outcome, TimeSpan elapsed)
    {
        var tags = new TagList { { "dependency", dependency }, { "outcome", outcome } };
        DependencyCalls.Add(1, tags);
        DependencyDuration.Record(elapsed.TotalSeconds, tags);
    }
}
