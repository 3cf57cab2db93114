using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace CloudMart.ServiceDefaults;

/// <summary>A variable that is missing or malformed; the service must not start.</summary>
public sealed class ServiceConfigurationException(string variable, string? value, string expected)
    : Exception(value is null
        ? $"{variable} is not set; expected {expected}"
        : $"{variable} has the value '{value}'; expected {expected}")
{
    public string Variable { get; } = variable;
    public string? Value { get; } = value;
    public string Expected { get; } = expected;
}

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

    /// <summary>Checks every variable the service declares; throws on the first bad one.</summary>
    public static ServiceSettings Load(ServiceSpec service, IConfiguration configuration)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var variable in service.Variables)
        {
            var raw = configuration[variable.Name];
            if (string.IsNullOrWhiteSpace(raw))
            {
                if (variable.Required)
                {
                    throw new ServiceConfigurationException(variable.Name, null, variable.Expected);
                }
                raw = variable.Default;
            }
            else
            {
                raw = raw.Trim();
                if (!IsValid(variable, raw))
                {
                    throw new ServiceConfigurationException(variable.Name, raw, variable.Expected);
                }
            }
            values[variable.Name] = raw;
        }
        return new ServiceSettings(service, values);
    }

    /// <summary>Whether <paramref name="value"/> is acceptable for <paramref name="variable"/>.</summary>
    public static bool IsValid(VariableSpec variable, string value)
    {
        var kindOk = variable.Kind switch
        {
            VariableKind.Port => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535,
            VariableKind.HttpUrl => Uri.TryCreate(value, UriKind.Absolute, out var uri)
                && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && !string.IsNullOrEmpty(uri.Host),
            VariableKind.Rate => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate)
                && double.IsFinite(rate) && rate is >= 0 and <= 1,
            VariableKind.Boolean => bool.TryParse(value, out _) || value is "0" or "1",
            VariableKind.PositiveInteger => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0,
            _ => value.Length > 0,
        };
        return kindOk && (variable.Pattern is null || Regex.IsMatch(value, variable.Pattern, RegexOptions.CultureInvariant));
    }

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
