using System.Globalization;

namespace CloudMart.Cli.Commands;

/// <summary>A log line with the component whose file it came from (nginx's error lines name none).</summary>
public sealed record SourcedLine(string Component, LogLine Line);

/// <summary>
/// How <c>logs</c> and <c>trace</c> read and show a run's logs: one line each with time, level,
/// component, message and trace id, in time order across components; <c>-o json</c> gives the raw
/// JSON lines instead.
/// </summary>
public static class ComponentLogs
{
    public static IEnumerable<SourcedLine> FileLines(string file, string component) =>
        LogFiles.ReadLines(file).Select(text => new SourcedLine(component, LogLine.Parse(text)));

    public static string FileName(string file) => Path.GetFileNameWithoutExtension(file);

    /// <summary>In time order; a line without a time keeps the place of the line before it in its file.</summary>
    public static IEnumerable<SourcedLine> Ordered(IEnumerable<SourcedLine> lines)
    {
        var last = new Dictionary<string, DateTimeOffset>();
        return lines.Select((l, i) =>
        {
            var time = l.Line.Timestamp ?? last.GetValueOrDefault(l.Component, DateTimeOffset.MinValue);
            last[l.Component] = time;
            return (l, time, i);
        }).OrderBy(x => x.time).ThenBy(x => x.i).Select(x => x.l);
    }

    public static void Write(IAnsiConsole console, SourcedLine sourced, bool json)
    {
        var line = sourced.Line;
        if (json)
        {
            console.Profile.Out.Writer.WriteLine(line.Text);
            return;
        }
        var time = line.Timestamp?.ToLocalTime().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture) ?? "            ";
        var level = (line.Level ?? "-").ToUpperInvariant();
        var colour = line.Level switch
        {
            LogLevels.Error or LogLevels.Fatal => "red",
            LogLevels.Warn => "yellow",
            LogLevels.Debug or LogLevels.Trace => "grey",
            _ => "default",
        };
        var trace = line.TraceId is { } id ? $"  trace={id}" : "";
        console.MarkupLine($"{time} [{colour}]{Markup.Escape(level),-5}[/] {Markup.Escape(line.Service ?? sourced.Component),-20} {Markup.Escape(line.Message)}[grey]{trace}[/]");
    }
}
