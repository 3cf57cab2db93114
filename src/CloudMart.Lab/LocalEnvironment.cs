using System.Globalization;
using CloudMart.Catalog;

namespace CloudMart.Lab;

/// <summary>
/// The healthy configuration of each service for a local run, derived from the catalog: every
/// address variable points at the local port of the service it names, the database is named
/// and kept in the run's data folder, no failure is injected.
/// </summary>
public static class LocalEnvironment
{
    /// <summary>The database name the lab's fix sets (fault 1).</summary>
    public const string DatabaseName = ServiceCatalog.DatabaseName;

    /// <summary>
    /// The variables that change a service's behaviour are set here, or removed from what the
    /// service inherits. Only the telemetry switches are carried over from the caller's
    /// environment, so a developer can point the local run at their own OTLP collector, or turn
    /// telemetry off to compare.
    /// </summary>
    public static readonly string[] InheritedVariables =
        [.. ServiceCatalog.Telemetry.Select(v => v.Name).Where(name => name != "OTEL_SERVICE_NAME")];

    /// <summary>
    /// What a service started here must not inherit from the caller: every catalog variable but
    /// the inherited ones, and the host's own settings (ASPNETCORE_*, DOTNET_ENVIRONMENT).
    /// </summary>
    public static string[] RemovedVariables() =>
        AllCatalogVariables.Except(InheritedVariables)
            .Concat(Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(k => k.StartsWith("ASPNETCORE_", StringComparison.Ordinal)))
            .Append("DOTNET_ENVIRONMENT")
            .ToArray();

    /// <summary>Sets each of <paramref name="overrides"/> in <paramref name="variables"/>; a null value removes the variable.</summary>
    public static void Apply(Dictionary<string, string> variables, IEnumerable<KeyValuePair<string, string?>> overrides)
    {
        foreach (var (name, value) in overrides)
        {
            if (value is null)
            {
                variables.Remove(name);
            }
            else
            {
                variables[name] = value;
            }
        }
    }

    public static Dictionary<string, string> For(ServiceSpec service, LabPorts ports, LabLayout layout, string signingKey)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in service.Variables)
        {
            if (Value(service, variable, ports, layout, signingKey) is { } value)
            {
                variables[variable.Name] = value;
            }
        }
        foreach (var required in service.Variables.Where(v => v.Required && v.Default is null))
        {
            if (!variables.ContainsKey(required.Name))
            {
                throw new InvalidOperationException($"the local run has no value for {service.Name}'s required variable {required.Name}");
            }
        }
        return variables;
    }

    static string? Value(ServiceSpec service, VariableSpec variable, LabPorts ports, LabLayout layout, string signingKey)
    {
        if (InheritedVariables.Contains(variable.Name))
        {
            return Environment.GetEnvironmentVariable(variable.Name) is { Length: > 0 } inherited ? inherited : null;
        }
        if (variable.TargetService is { } target)
        {
            return ports.Url(ServiceCatalog.Find(target)).ToString().TrimEnd('/');
        }
        return variable.Name switch
        {
            "PORT" => ports.For(service).ToString(CultureInfo.InvariantCulture),
            "OTEL_SERVICE_NAME" => service.Name,
            "DB_NAME" => DatabaseName,
            "DATA_DIR" => layout.DataDirectory,
            "CHAOS_FAILURE_RATE" => "0",
            "JWT_SIGNING_KEY" => signingKey,
            // Nothing on the network reaches a local run, and no load balancer needs a drain.
            "LISTEN_ADDRESS" => "127.0.0.1",
            "SHUTDOWN_DRAIN_SECONDS" => "0",
            // Everything else keeps the service's own default (token lifetime, guest checkout, webhook).
            _ => null,
        };
    }

    /// <summary>Every variable any CloudMart service reads: none of them leaks in from the caller unless listed in <see cref="InheritedVariables"/>.</summary>
    public static IEnumerable<string> AllCatalogVariables =>
        ServiceCatalog.Services.SelectMany(s => s.Variables).Select(v => v.Name).Distinct();
}
