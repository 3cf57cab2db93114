using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace CloudMart.ServiceDefaults;

/// <summary>
/// The checked values of a service's variables, read from configuration (environment
/// variables in a container) against the service's entry in <see cref="ServiceCatalog"/>.
/// </summary>
public sealed class ServiceSettings
{
    readonly Dictionary<string, string?> _values;

    ServiceSettings(ServiceSpec service, Dictionary<string, string?> values)
    {
        Service = service;
        _values = values;
    }

    public ServiceSpec Service { get; }

    /// <summary>The name telemetry and logs report: OTEL_SERVICE_NAME, else the catalog name.</summary>
    public string ServiceName => Text("OTEL_SERVICE_NAME") ?? Service.Name;

    public int Port => int.Parse(_values["PORT"]!, CultureInfo.InvariantCulture);

    /// <summary>The one address to listen on (LISTEN_ADDRESS), or null for every interface.</summary>
    public System.Net.IPAddress? ListenAddress => Text("LISTEN_ADDRESS") is { } address ? System.Net.IPAddress.Parse(address) : null;

    /// <summary>How long the service keeps serving, unready, between SIGTERM and its stop (SHUTDOWN_DRAIN_SECONDS).</summary>
    public TimeSpan ShutdownDrain => TimeSpan.FromSeconds(Integer("SHUTDOWN_DRAIN_SECONDS"));

    /// <summary>Checks every variable the service declares; throws on the first bad one.</summary>
    public static ServiceSettings Load(ServiceSpec service, IConfiguration configuration) =>
        new(service, ServiceVariables.Check(service, name => configuration[name]));

    public string? Text(string name) => _values.TryGetValue(name, out var value) ? value : throw Undeclared(name);

    public string RequiredText(string name) => Text(name) ?? throw new InvalidOperationException($"{name} has no value and no default");

    public Uri Url(string name) => new(RequiredText(name));

    public Uri? OptionalUrl(string name) => Text(name) is { } text ? new Uri(text) : null;

    public double Rate(string name) => double.Parse(RequiredText(name), CultureInfo.InvariantCulture);

    public int Integer(string name) => int.Parse(RequiredText(name), CultureInfo.InvariantCulture);

    public bool Flag(string name) => RequiredText(name) is var text && (text == "1" || (bool.TryParse(text, out var flag) && flag));

    InvalidOperationException Undeclared(string name) =>
        new($"{Service.Name} reads {name}, which its catalog entry does not declare");
}
