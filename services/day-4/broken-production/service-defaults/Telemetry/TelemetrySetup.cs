using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CloudMart.ServiceDefaults.Telemetry;

/// <summary>
/// Traces, metrics and OTLP logs for a service: metrics are always served on <c>/metrics</c>
/// for Prometheus; each signal is pushed over OTLP only where <see cref="OtlpRoutes"/> names an endpoint for it.
/// </summary>
public static class TelemetrySetup
{
    static readonly string[] QuietPaths = ["/health", "/metrics"];

    /// <summary>
    /// Runtime gauges whose OpenTelemetry names end in ".count": Prometheus reserves a "_count"
    /// suffix for histograms and summaries, and promtool rejects them, so they are exported under these names.
    /// </summary>
    static readonly Dictionary<string, string> PrometheusSafeNames = new(StringComparer.Ordinal)
    {
        ["dotnet.assembly.count"] = "dotnet.assemblies.loaded",
        ["dotnet.process.cpu.count"] = "dotnet.process.cpus",
        ["dotnet.timer.count"] = "dotnet.timers.active",
    };

    public static void AddTelemetry(this WebApplicationBuilder builder, ServiceSettings settings)
    {
        var routes = OtlpRoutes.From(settings.Telemetry);
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(settings.ServiceName,
                serviceNamespace: "cloudmart", serviceInstanceId: $"{Environment.MachineName}-{Environment.ProcessId}"))
            .WithTracing(tracing =>
            {
                tracing.AddSource(CloudMartTelemetry.Name)
                    .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsQuiet(context.Request.Path))
                    .AddHttpClientInstrumentation();
                if (routes.Traces is { } traces)
                {
                    tracing.AddOtlpExporter(exporter => Aim(exporter, traces));
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(CloudMartTelemetry.Name)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddView(View)
                    // A measurement taken inside a sampled span keeps that span's trace id as an exemplar.
                    .SetExemplarFilter(ExemplarFilterType.TraceBased)
                    .AddPrometheusExporter();
                if (routes.Metrics is { } pushed)
                {
                    metrics.AddOtlpExporter(exporter => Aim(exporter, pushed));
                }
            });

        if (routes.Logs is { } logs)
        {
            otel.WithLogging(logging => logging.AddOtlpExporter(exporter => Aim(exporter, logs)),
                options => options.IncludeFormattedMessage = true);
        }
    }

    /// <summary>
    /// Every histogram measured in seconds gets <see cref="CloudMartTelemetry.LatencyBoundaries"/>,
    /// whatever meter it comes from (the SDK's default boundaries are milliseconds, ASP.NET Core's stop at 10 s).
    /// </summary>
    static MetricStreamConfiguration? View(Instrument instrument)
    {
        if (PrometheusSafeNames.TryGetValue(instrument.Name, out var name))
        {
            return new MetricStreamConfiguration { Name = name };
        }
        return instrument is Histogram<double> or Histogram<float> or Histogram<long> or Histogram<int> && instrument.Unit == "s"
            ? new ExplicitBucketHistogramConfiguration { Boundaries = CloudMartTelemetry.LatencyBoundaries }
            : null;
    }

    static void Aim(OtlpExporterOptions exporter, OtlpRoute route)
    {
        exporter.Endpoint = route.Endpoint;
        exporter.Protocol = route.Protocol;
    }

    static bool IsQuiet(PathString path)
    {
        foreach (var quiet in QuietPaths)
        {
            if (path.StartsWithSegments(quiet, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }
}
