using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace CloudMart.Catalog;

/// <summary>
/// One line of a CloudMart log, read the one way every tool reads it: a JSON object (the services'
/// lines, the gateway's access lines) gives its fields; anything else is kept as plain text.
/// The services' writer is <c>CloudMart.ServiceDefaults.Logging.JsonLogLine</c>.
/// </summary>
public sealed partial class LogLine
{
    static readonly IReadOnlyDictionary<string, string?> NoAttributes = new Dictionary<string, string?>();

    LogLine(string text) => Text = text;

    /// <summary>The line as it was read.</summary>
    public string Text { get; }

    /// <summary>Whether the line is a JSON object; the other properties but <see cref="Message"/> are empty when not.</summary>
    public bool IsJson { get; private init; }

    public DateTimeOffset? Timestamp { get; private init; }

    public string? Level { get; private init; }

    /// <summary>The <c>message</c> field, or the whole text when the line has none.</summary>
    public string Message { get; private init; } = "";

    /// <summary>Whether the line is JSON with a <c>message</c> field.</summary>
    public bool HasMessage { get; private init; }

    /// <summary>The event name of the log call (see <see cref="LogEvents"/>).</summary>
    public string? Event { get; private init; }

    public string? Exception { get; private init; }

    /// <summary>The HTTP status of a gateway access line.</summary>
    public int? Status { get; private init; }

    /// <summary>The component that wrote the line (the <c>service</c> field).</summary>
    public string? Service { get; private init; }

    /// <summary>The W3C trace id the line belongs to, when it was written inside a traced request.</summary>
    public string? TraceId { get; private init; }

    /// <summary>The log call's attributes: strings as they are, other JSON values as their JSON text.</summary>
    public IReadOnlyDictionary<string, string?> Attributes { get; private init; } = NoAttributes;

    public static LogLine Parse(string text)
    {
        if (text.AsSpan().TrimStart().StartsWith("{", StringComparison.Ordinal))
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                if (document.RootElement.ValueKind == JsonValueKind.Object)
                {
                    return FromJson(text, document.RootElement);
                }
            }
            catch (JsonException)
            {
                // Not JSON after all: read as plain text.
            }
        }
        return new LogLine(text) { Message = text };
    }

    static LogLine FromJson(string text, JsonElement root)
    {
        var message = String(root, LogFields.Message);
        return new LogLine(text)
        {
            IsJson = true,
            Timestamp = String(root, LogFields.Timestamp) is { } stamp
                && DateTimeOffset.TryParse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : null,
            Level = String(root, LogFields.Level),
            Service = String(root, LogFields.Service),
            TraceId = String(root, LogFields.TraceId) is { Length: > 0 } trace ? trace : null,
            Message = message ?? text,
            HasMessage = message is not null,
            Event = String(root, LogFields.Event),
            Exception = String(root, LogFields.Exception),
            Status = root.TryGetProperty(LogFields.Status, out var status) && status.ValueKind == JsonValueKind.Number
                && status.TryGetInt32(out var code) ? code : null,
            Attributes = ReadAttributes(root),
        };
    }

    static IReadOnlyDictionary<string, string?> ReadAttributes(JsonElement root)
    {
        if (!root.TryGetProperty(LogFields.Attributes, out var values) || values.ValueKind != JsonValueKind.Object)
        {
            return NoAttributes;
        }
        var attributes = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var property in values.EnumerateObject())
        {
            attributes[property.Name] = property.Value.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String => property.Value.GetString(),
                _ => property.Value.GetRawText(),
            };
        }
        return attributes;
    }

    static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public string? Attribute(string name) => Attributes.TryGetValue(name, out var value) ? value : null;

    /// <summary>A service's refusal to start: level fatal, or a plain line that starts with <c>FATAL:</c>.</summary>
    public bool IsFatal => Level == LogLevels.Fatal || Message.StartsWith("FATAL:", StringComparison.Ordinal);

    /// <summary>The variable a fatal line names: its <c>variable</c> attribute, else the first word after FATAL:.</summary>
    public string? FatalVariable =>
        !IsFatal ? null
        : Attribute(LogAttributes.Variable) is { } variable ? variable
        : FatalWord().Match(Message) is { Success: true } match ? match.Groups["variable"].Value : null;

    /// <summary>A failed call to another service, from the fields of the dependency client's line.</summary>
    public DependencyFailure? DependencyFailure =>
        Event == LogEvents.DependencyCallFailed
        && Attribute(LogAttributes.Dependency) is { } dependency && Attribute(LogAttributes.Method) is { } method
        && Attribute(LogAttributes.Url) is { } url
            ? new DependencyFailure(dependency, method, url, Attribute(LogAttributes.Error) ?? "")
            : null;

    /// <summary>The order-service's start-up line about its store retry policy: true for immediate, false for backoff, null for neither.</summary>
    public bool? RetriesImmediately =>
        Event == LogEvents.RetryPolicyImmediate || Message.StartsWith("Store retry policy: immediate", StringComparison.Ordinal) ? true
        : Event == LogEvents.RetryPolicyBackoff || Message.StartsWith("Store retry policy: exponential backoff", StringComparison.Ordinal) ? false
        : null;

    /// <summary>A store call failed on purpose by CHAOS_FAILURE_RATE.</summary>
    public bool IsInjectedFailure => Event == LogEvents.ChaosInjectedFailure || Message.StartsWith("Injected failure", StringComparison.Ordinal);

    [GeneratedRegex(@"^FATAL:\s*(?<variable>[A-Z][A-Z0-9_]*)\b")]
    private static partial Regex FatalWord();
}

/// <summary>A call from one service to another that failed, as the caller logged it.</summary>
public sealed record DependencyFailure(string Dependency, string Method, string Url, string Error)
{
    public string? Host => Uri.TryCreate(Url, UriKind.Absolute, out var url) ? url.Host : null;
}
