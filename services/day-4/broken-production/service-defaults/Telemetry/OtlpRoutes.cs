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
    /// <summary>Reads the routes from the checked telemetry variables.</summary>
    public static OtlpRoutes From(TelemetryOptions variables)
    {
        var protocol = variables.OtelExporterOtlpProtocol == "http/protobuf" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        OtlpRoute? Signal(string? url) => url is not null ? new OtlpRoute(new Uri(url), protocol) : null;

        var traces = Signal(variables.OtelExporterOtlpTracesEndpoint);
        if (traces is null && variables.OtelExporterOtlpEndpoint is { } shared)
        {
            // The per-signal variables hold full URLs; the shared one is a base, to which OTLP/HTTP
            // adds the signal's path (gRPC addresses the service, not a path).
            var url = protocol == OtlpExportProtocol.HttpProtobuf ? shared.TrimEnd('/') + "/v1/traces" : shared;
            traces = new OtlpRoute(new Uri(url), protocol);
        }
        return new OtlpRoutes(traces, Signal(variables.OtelExporterOtlpMetricsEndpoint), Signal(variables.OtelExporterOtlpLogsEndpoint));
    }
}
