using System.Text.Json;
using System.Text.RegularExpressions;

namespace CloudMart.Diagnosis.Live;

/// <summary>
/// One line of a CloudMart service's log: a JSON object with level, message, the event name of the
/// log call and its attributes. A line that is not such JSON is kept as its text.
/// </summary>
public sealed partial record LogLine(string Text, string? Level, string Message, string? Event, IReadOnlyDictionary<string, string?> Attributes)
{
    public static LogLine Parse(string text)
    {
        if (text.StartsWith('{'))
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                var root = document.RootElement;
                if (root.ValueKind == JsonValueKind.Object)
                {
                    var attributes = new Dictionary<string, string?>(StringComparer.Ordinal);
                    if (root.TryGetProperty("attributes", out var values) && values.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var property in values.EnumerateObject())
                        {
                            attributes[property.Name] = property.Value.ValueKind switch
                            {
                                JsonValueKind.Null => null,
                                JsonValueKind.String => property.Value.GetString(),
                                _ => property.Value.GetRawText(),
                            };
                        }
                    }
                    return new LogLine(text, String(root, "level"), String(root, "message") ?? text, String(root, "event"), attributes);
                }
            }
            catch (JsonException)
            {
                // Not JSON after all: fall through to plain text.
            }
        }
        return new LogLine(text, null, text, null, new Dictionary<string, string?>());
    }

    static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A service's refusal to start: <c>FATAL: VAR is not set; ...</c> or <c>FATAL: VAR='x' is not ...</c>.</summary>
    public bool IsFatal => Level == "fatal" || Message.StartsWith("FATAL:", StringComparison.Ordinal);

    /// <summary>The variable a fatal line names: its <c>variable</c> attribute, else the first word after FATAL:.</summary>
    public string? FatalVariable =>
        !IsFatal ? null
        : Attributes.TryGetValue("variable", out var variable) && variable is not null ? variable
        : FatalWord().Match(Message) is { Success: true } match ? match.Groups["variable"].Value : null;

    /// <summary>A failed call to another service, as the services' dependency client logs it.</summary>
    public DependencyFailure? DependencyFailure =>
        CallFailed().Match(Message) is { Success: true } match
            ? new DependencyFailure(match.Groups["dependency"].Value, match.Groups["method"].Value, match.Groups["url"].Value, match.Groups["error"].Value)
            : null;

    /// <summary>The order-service's start-up line about its store retry policy: true for immediate, false for backoff, null for neither.</summary>
    public bool? RetriesImmediately =>
        Event == "RetryPolicyImmediate" || Message.StartsWith("Store retry policy: immediate", StringComparison.Ordinal) ? true
        : Event == "RetryPolicyBackoff" || Message.StartsWith("Store retry policy: exponential backoff", StringComparison.Ordinal) ? false
        : null;

    /// <summary>A store call failed on purpose by CHAOS_FAILURE_RATE.</summary>
    public bool IsInjectedFailure => Event == "ChaosInjectedFailure" || Message.StartsWith("Injected failure", StringComparison.Ordinal);

    [GeneratedRegex(@"^FATAL:\s*(?<variable>[A-Z][A-Z0-9_]*)\b")]
    private static partial Regex FatalWord();

    [GeneratedRegex(@"^Call to (?<dependency>\S+) failed: (?<method>[A-Z]+) (?<url>\S+): (?<error>.*)$")]
    private static partial Regex CallFailed();
}

public sealed record DependencyFailure(string Dependency, string Method, string Url, string Error)
{
    public string? Host => Uri.TryCreate(Url, UriKind.Absolute, out var url) ? url.Host : null;
}
