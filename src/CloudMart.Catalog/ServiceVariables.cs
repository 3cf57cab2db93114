using System.Globalization;
using System.Text.RegularExpressions;

namespace CloudMart.Catalog;

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
/// The start-up check of a service's variables against its catalog entry, without any host:
/// the services run it on their configuration, the tools on a manifest's or a local run's values.
/// </summary>
public static class ServiceVariables
{
    /// <summary>
    /// The value each declared variable takes (trimmed, or its default when unset); throws
    /// <see cref="ServiceConfigurationException"/> on the first one that is missing or malformed.
    /// </summary>
    public static Dictionary<string, string?> Check(ServiceSpec service, Func<string, string?> read)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var variable in service.Variables)
        {
            var raw = read(variable.Name);
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
        return values;
    }

    /// <summary>
    /// The name of the options property a variable binds to (DB_NAME → DbName): the services'
    /// typed options follow it, so none of them spells a variable's name.
    /// </summary>
    public static string PropertyName(string variable) =>
        string.Concat(variable.Split('_', StringSplitOptions.RemoveEmptyEntries)
            .Select(word => char.ToUpperInvariant(word[0]) + word[1..].ToLowerInvariant()));

    /// <summary>The variable an options property binds (DbName → DB_NAME); the inverse of <see cref="PropertyName"/>.</summary>
    public static string VariableName(string property) =>
        string.Concat(property.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : char.ToUpperInvariant(c).ToString()));

    /// <summary>
    /// The checked values keyed by property name, as configuration binding reads them; a boolean
    /// written 1 or 0 becomes true or false, which the binder parses.
    /// </summary>
    public static Dictionary<string, string?> ForBinding(ServiceSpec service, IReadOnlyDictionary<string, string?> values) =>
        service.Variables.ToDictionary(v => PropertyName(v.Name), v => values[v.Name] is { } value && v.Kind == VariableKind.Boolean
            ? (value is "1" || (bool.TryParse(value, out var flag) && flag) ? "true" : "false")
            : values[v.Name]);

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
            // TryParse alone takes "1" for 0.0.0.1; an address here is written out in full.
            VariableKind.IpAddress => System.Net.IPAddress.TryParse(value, out _)
                && (value.Contains(':') || value.Count(c => c == '.') == 3),
            _ => value.Length > 0,
        };
        return kindOk && (variable.Pattern is null || Regex.IsMatch(value, variable.Pattern, RegexOptions.CultureInvariant));
    }
}
