using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace CloudMart.Verification.Checks;

/// <summary>
/// Finds the error lines in a component's log: the services' JSON lines at level error or fatal,
/// the gateway's JSON access lines for 5xx answers, nginx's own <c>[error]</c> (and worse) lines,
/// and what .NET prints when a process dies before its logger exists.
/// </summary>
public static partial class LogScan
{
    static readonly HashSet<string> ErrorLevels = new(StringComparer.OrdinalIgnoreCase)
    {
        "error", "fatal", "critical", "crit", "alert", "emerg", "emergency", "panic", "fail",
    };

    /// <summary>The error lines among <paramref name="lines"/>, skipping JSON lines stamped before <paramref name="since"/>.</summary>
    public static IReadOnlyList<string> ErrorLines(IEnumerable<string> lines, DateTimeOffset? since = null) =>
        lines.Where(line => IsError(line, since)).ToList();

    public static bool IsError(string line, DateTimeOffset? since = null)
    {
        var text = line.Trim();
        if (text.Length == 0)
        {
            return false;
        }
        if (text[0] == '{')
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    return false;
                }
                if (since is { } start && Timestamp(root) is { } stamp && stamp < start)
                {
                    return false;
                }
                if (root.TryGetProperty("level", out var level) && level.ValueKind == JsonValueKind.String && ErrorLevels.Contains(level.GetString()!))
                {
                    return true;
                }
                // An access line whose level field a custom log format left out still counts by its status.
                return root.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Number
                    && status.TryGetInt32(out var code) && code >= 500;
            }
            catch (JsonException)
            {
                // Not JSON after all: judged as plain text below.
            }
        }
        return PlainTextError().IsMatch(text);
    }

    /// <summary>True when the line carries the trace id (in its trace_id field, or anywhere for a plain line).</summary>
    public static bool MentionsTrace(string line, string traceId) =>
        line.Contains(traceId, StringComparison.OrdinalIgnoreCase);

    static DateTimeOffset? Timestamp(JsonElement root) =>
        root.TryGetProperty("timestamp", out var value) && value.ValueKind == JsonValueKind.String
        && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var stamp)
            ? stamp : null;

    /// <summary>
    /// A log line as evidence: for a JSON line its level and message (and the first line of its
    /// exception), the parts a reader needs; any other line as it is. Shortened either way.
    /// </summary>
    public static string Summarize(string line, int length = 240)
    {
        var text = line.Trim();
        if (text.StartsWith('{'))
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                var root = document.RootElement;
                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
                {
                    var level = root.TryGetProperty("level", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString() : "?";
                    var summary = $"{level}: {message.GetString()}";
                    if (root.TryGetProperty("exception", out var exception) && exception.ValueKind == JsonValueKind.String
                        && exception.GetString() is { Length: > 0 } thrown)
                    {
                        summary += " — " + thrown.Split('\n')[0].Trim();
                    }
                    return Shorten(summary, length);
                }
            }
            catch (JsonException)
            {
            }
        }
        return Shorten(text, length);
    }

    /// <summary>A line shortened for evidence.</summary>
    public static string Shorten(string line, int length = 240)
    {
        var text = line.Trim();
        return text.Length <= length ? text : text[..(length - 1)] + "…";
    }

    // nginx error-log levels from error up; .NET's console logger (fail/crit) and its last words on a crash.
    [GeneratedRegex(@"\[(error|crit|alert|emerg)\]|^(fail|crit):\s|^Unhandled exception\.|^FATAL[: ]", RegexOptions.IgnoreCase)]
    private static partial Regex PlainTextError();
}
