using OpenTelemetry.Exporter;

namespace CloudMart.ServiceDefaults.Telemetry;

/// <summary>Where one signal is pushed over OTLP, and how.</summary>
public sealed record OtlpRoute(Uri Endpoint, OtlpExportProtocol Protocol);

/// <summary>
/// Which signals leave the service over OTLP, read from the standard variables. The lab's
/// manifests set only <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, aimed at Tempo, which accepts traces and
/// rejects the rest; so the shared endpoint carries traces alone. Metrics are scraped from
/// <c>/metrics</c> and logs go to stdout, and each is also pushed only to an endpoint named for it.
/// </summary>
public sealed record OtlpRoutes(OtlpRoute? Traces, OtlpRoute? Metrics, OtlpRoute? Logs)
{
    public const string Endpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string TracesEndpoint = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
    public const string MetricsEndpoint = "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT";
    public const string LogsEndpoint = "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT";
    public const string Protocol = "OTEL_EXPORTER_OTLP_PROTOCOL";

    /// <summary>Reads the routes from <paramref name="variable"/> (name → value, or null when unset; the service catalog has checked the values).</summary>
    public static OtlpRoutes From(Func<string, string?> variable)
    {
        var protocol = variable(Protocol) == "http/protobuf" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        OtlpRoute? Signal(string name) => variable(name) is { } url ? new OtlpRoute(new Uri(url), protocol) : null;

        var traces = Signal(TracesEndpoint);
        if (traces is null && variable(Endpoint) is { } shared)
        {
            // The per-signal variables hold full URLs; the shared one is a base, to which OTLP/HTTP
            // adds the signal's path (gRPC addresses the service, not a path).
            var url = protocol == OtlpExportProtocol.HttpProtobuf ? shared.TrimEnd('/') + "/v1/traces" : shared;
            traces = new OtlpRoute(new Uri(url), protocol);
        }
        return new OtlpRoutes(traces, Signal(MetricsEndpoint), Signal(LogsEndpoint));
    }
}
