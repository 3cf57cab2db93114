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
