using System.Globalization;

namespace CloudMart.Cli.Commands;

/// <summary>
/// <c>logs</c> and <c>trace</c>: a run's component logs, read with the catalog's one log reader
/// and shown one line each (time, level, component, message, trace id), in time order across
/// components; <c>-o json</c> gives the raw JSON lines instead.
/// </summary>
public static class LogVerbs
{
    public static Command Logs(CliConsoles consoles, VerifyEnvironment environment)
    {
        var components = new Argument<string[]>("COMPONENT")
        {
            Description = $"Whose logs: {string.Join(", ", ServiceCatalog.All.Select(s => s.Name))} [default: all]",
            Arity = ArgumentArity.ZeroOrMore,
        };
        components.CompletionSources.Add(ServiceCatalog.All.Select(s => s.Name).ToArray());
        components.Validators.Add(result =>
        {
            foreach (var token in result.Tokens.Where(t => !ServiceCatalog.All.Any(s => s.Name == t.Value)))
            {
                result.AddError($"COMPONENT '{token.Value}' is not one of {string.Join(", ", ServiceCatalog.All.Select(s => s.Name))}.");
            }
        });
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new lines as they are written, until Ctrl-C" };
        var since = OptionValues.Duration("--since", "Only lines from this long ago on, such as 30s or 5m [default: all of this run]");
        var tail = TailOption();
        var name = RunSelection.NameOption();
        var output = OutputFormat.Create("Print the raw JSON lines, as the components wrote them; the same as -o json");
        var command = new Command("logs", "Show a run's logs: one line each with time, level, component, message and trace id, in time order across the components.")
        {
            components, follow, since, tail, name, output.Format, output.JsonAlias,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (RunSelection.Choose(environment.Runs, parse.GetValue(name), consoles.Error.Profile.Out.Writer) is not { } run)
            {
                return (int)ExitCodes.UsageError;
            }
            var chosen = parse.GetValue(components) is { Length: > 0 } some ? some : ServiceCatalog.All.Select(s => s.Name).ToArray();
            var files = chosen.Select(c => Path.Combine(run.LogsDirectory, c + ".log")).ToList();
            if (!files.Any(File.Exists))
            {
                consoles.Error.MarkupLineInterpolated($"Run '{run.Name}' has no logs in {run.LogsDirectory}; 'cloudmart up' makes them.");
                return (int)ExitCodes.NotRunning;
            }
            var json = output.IsJson(parse);
            var from = parse.GetValue(since) is { } window ? DateTimeOffset.UtcNow - window : (DateTimeOffset?)null;
            var last = parse.GetValue(tail);
            // Where each log ends now: the lines before are shown, -f goes on from there, so a line
            // written in between is shown once.
            var positions = new Dictionary<string, long>();
            var shown = files.SelectMany(f =>
            {
                var lines = LogFiles.ReadLines(LogFiles.Rotated(f)).Concat(ReadRange(f, 0, out var end))
                    .Select(text => new SourcedLine(FileName(f), LogLine.Parse(text))).Where(l => from is null || l.Line.Timestamp is null || l.Line.Timestamp >= from);
                positions[f] = end;
                return last is { } count ? lines.TakeLast(count) : lines;
            }).ToList();
            foreach (var line in Ordered(shown))
            {
                Write(consoles.Out, line, json);
            }
            if (parse.GetValue(follow))
            {
                using var signals = ShutdownSignals.Listen(cancellationToken);
                await FollowAsync(positions, line => Write(consoles.Out, line, json), signals.Token);
            }
            return (int)ExitCodes.Success;
        });
        return command;
    }

    public static Command Trace(CliConsoles consoles, VerifyEnvironment environment)
    {
        var traceId = new Argument<string>("TRACE_ID") { Description = "The trace id (32 hex digits), as 'cloudmart load' prints for the slowest order or a traceparent header carries" };
        traceId.Validators.Add(result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (text.Length != 32 || !text.All(char.IsAsciiHexDigit))
            {
                result.AddError($"TRACE_ID '{text}' is not a trace id: it has 32 hex digits, such as 4bf92f3577b34da6a3ce929d0e0e4736.");
            }
        });
        var name = RunSelection.NameOption();
        var output = OutputFormat.Create("Print the raw JSON lines; the same as -o json");
        var command = new Command("trace", "Gather one trace's log lines from every component of a run (gateway and services), in time order.")
        {
            traceId, name, output.Format, output.JsonAlias,
        };
        command.SetAction(parse =>
        {
            if (RunSelection.Choose(environment.Runs, parse.GetValue(name), consoles.Error.Profile.Out.Writer) is not { } run)
            {
                return (int)ExitCodes.UsageError;
            }
            var id = parse.GetValue(traceId)!.ToLowerInvariant();
            var lines = Ordered(ServiceCatalog.All.SelectMany(s => FileLines(Path.Combine(run.LogsDirectory, s.Name + ".log"), s.Name)))
                .Where(l => string.Equals(l.Line.TraceId, id, StringComparison.OrdinalIgnoreCase)).ToList();
            if (lines.Count == 0)
            {
                consoles.Error.MarkupLineInterpolated($"No log line of run '{run.Name}' has trace id {id}.");
                return (int)ExitCodes.NothingFound;
            }
            lines.ForEach(l => Write(consoles.Out, l, output.IsJson(parse)));
            return (int)ExitCodes.Success;
        });
        return command;
    }

    /// <summary><c>--tail N</c> as docker compose and kubectl take it: the last N lines of each log; <c>all</c> (or no option) for every line.</summary>
    static Option<int?> TailOption() => new("--tail")
    {
        Description = "Only the last N lines of each component's log (after --since), then new ones with -f [default: all]",
        HelpName = "n|all",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (text == "all")
            {
                return int.MaxValue;
            }
            if (int.TryParse(text, System.Globalization.NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                return count;
            }
            result.AddError($"--tail must be a whole number of lines (0 or more) or all, not '{text}'.");
            return null;
        },
    };

    /// <summary>A log line with the component whose file it came from (nginx's error lines name none).</summary>
    public sealed record SourcedLine(string Component, LogLine Line);

    static IEnumerable<SourcedLine> FileLines(string file, string component) =>
        LogFiles.ReadLines(file).Select(text => new SourcedLine(component, LogLine.Parse(text)));

    static string FileName(string file) => Path.GetFileNameWithoutExtension(file);

    /// <summary>In time order; a line without a time keeps the place of the line before it in its file.</summary>
    static IEnumerable<SourcedLine> Ordered(IEnumerable<SourcedLine> lines)
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

    /// <summary>Prints lines as they are appended to each file after its position, until <paramref name="stop"/>; a file that shrank was rotated and is read from its start.</summary>
    static async Task FollowAsync(Dictionary<string, long> positions, Action<SourcedLine> write, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                foreach (var file in positions.Keys.ToList())
                {
                    var lines = ReadRange(file, positions[file], out var next);
                    positions[file] = next;
                    lines.ForEach(text => write(new SourcedLine(FileName(file), LogLine.Parse(text))));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// The whole lines of <paramref name="file"/> from byte <paramref name="from"/> (its start, when the
    /// file is now shorter: rotated) on; <paramref name="next"/> is where the line after them starts.
    /// </summary>
    static List<string> ReadRange(string file, long from, out long next)
    {
        next = from;
        if (!File.Exists(file))
        {
            return [];
        }
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        from = stream.Length < from ? 0 : from;
        var buffer = new byte[stream.Length - from];
        stream.Position = from;
        stream.ReadExactly(buffer);
        var end = Array.LastIndexOf(buffer, (byte)'\n');
        next = from + end + 1;
        return end < 0 ? [] : [.. System.Text.Encoding.UTF8.GetString(buffer, 0, end).Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }
}
