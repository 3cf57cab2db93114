using Microsoft.Extensions.Configuration;

namespace CloudMart.ServiceDefaults;

/// <summary>
/// The checked values of a service's variables, read from configuration (environment variables
/// in a container) against the service's entry in <see cref="ServiceCatalog"/>. Each service binds
/// <see cref="Values"/> to an options class of its own (see <see cref="CatalogOptions"/>); the
/// variables every service shares are bound here.
/// </summary>
public sealed class ServiceSettings
{
    ServiceSettings(ServiceSpec service, IConfiguration values)
    {
        Service = service;
        Values = values;
        Hosting = values.Get<HostingOptions>() ?? new HostingOptions();
        Telemetry = values.Get<TelemetryOptions>() ?? new TelemetryOptions();
    }

    public ServiceSpec Service { get; }

    /// <summary>Every declared variable's checked value (its default when unset), keyed by the options property it binds to.</summary>
    public IConfiguration Values { get; }

    public HostingOptions Hosting { get; }

    public TelemetryOptions Telemetry { get; }

    /// <summary>The name telemetry and logs report: OTEL_SERVICE_NAME, else the catalog name.</summary>
    public string ServiceName => Telemetry.OtelServiceName ?? Service.Name;

    public int Port => Hosting.Port;

    /// <summary>The one address to listen on (LISTEN_ADDRESS), or null for every interface.</summary>
    public System.Net.IPAddress? ListenAddress => Hosting.ListenAddress is { } address ? System.Net.IPAddress.Parse(address) : null;

    /// <summary>How long the service keeps serving, unready, between SIGTERM and its stop (SHUTDOWN_DRAIN_SECONDS).</summary>
    public TimeSpan ShutdownDrain => TimeSpan.FromSeconds(Hosting.ShutdownDrainSeconds);

    /// <summary>Checks every variable the service declares; throws <see cref="ServiceConfigurationException"/> on the first bad one.</summary>
    public static ServiceSettings Load(ServiceSpec service, IConfiguration configuration)
    {
        var values = ServiceVariables.Check(service, name => configuration[name]);
        return new(service, new ConfigurationBuilder().AddInMemoryCollection(ServiceVariables.ForBinding(service, values)).Build());
    }
}

/// <summary>Where a service listens and how it stops (<see cref="ServiceCatalog.Hosting"/>).</summary>
public sealed class HostingOptions
{
    public int Port { get; set; }

    public string? ListenAddress { get; set; }

    public int ShutdownDrainSeconds { get; set; }
}

/// <summary>The OpenTelemetry variables our code reads (<see cref="ServiceCatalog.Telemetry"/>); the SDK reads OTEL_SDK_DISABLED itself.</summary>
public sealed class TelemetryOptions
{
    public string? OtelServiceName { get; set; }

    public string? OtelExporterOtlpEndpoint { get; set; }

    public string? OtelExporterOtlpTracesEndpoint { get; set; }

    public string? OtelExporterOtlpMetricsEndpoint { get; set; }

    public string? OtelExporterOtlpLogsEndpoint { get; set; }

    public string? OtelExporterOtlpProtocol { get; set; }
}
