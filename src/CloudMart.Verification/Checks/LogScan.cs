using System.Text.RegularExpressions;

namespace CloudMart.Verification.Checks;

/// <summary>
/// Finds the error lines in a component's log: the services' JSON lines at level error or fatal,
/// the gateway's JSON access lines for 5xx answers, nginx's own <c>[error]</c> (and worse) lines,
/// and what .NET prints when a process dies before its logger exists. Each line is read by the
/// catalog's <see cref="LogLine"/>, as the diagnosis reads it.
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
        var record = LogLine.Parse(text);
        if (!record.IsJson)
        {
            return PlainTextError().IsMatch(text);
        }
        if (since is { } start && record.Timestamp is { } stamp && stamp < start)
        {
            return false;
        }
        // An access line whose level field a custom log format left out still counts by its status.
        return (record.Level is { } level && ErrorLevels.Contains(level)) || record.Status >= 500;
    }

    /// <summary>True when the line carries the trace id (in its trace_id field, or anywhere for a plain line).</summary>
    public static bool MentionsTrace(string line, string traceId) =>
        line.Contains(traceId, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A log line as evidence: for a JSON line its level and message (and the first line of its
    /// exception), the parts a reader needs; any other line as it is. Shortened either way.
    /// </summary>
    public static string Summarize(string line, int length = 240)
    {
        var record = LogLine.Parse(line.Trim());
        if (!record.HasMessage)
        {
            return Shorten(line, length);
        }
        var summary = $"{record.Level ?? "?"}: {record.Message}";
        if (record.Exception is { Length: > 0 } thrown)
        {
            summary += " — " + thrown.Split('\n')[0].Trim();
        }
        return Shorten(summary, length);
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
