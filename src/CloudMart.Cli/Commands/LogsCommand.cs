using System.Globalization;

namespace CloudMart.Cli.Commands;

/// <summary>
/// <c>logs</c>: a run's component logs, read with the catalog's one log reader and shown one line
/// each (see <see cref="ComponentLogs"/>), in time order across components; <c>-f</c> follows them.
/// </summary>
public static class LogsCommand
{
    public static Command Create(CliConsoles consoles, LabEnvironment environment)
    {
        var components = ComponentsArgument();
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
            var positions = new Dictionary<string, long>();
            foreach (var line in ComponentLogs.Ordered(Shown(files, from, parse.GetValue(tail), positions)))
            {
                ComponentLogs.Write(consoles.Out, line, json);
            }
            if (parse.GetValue(follow))
            {
                using var signals = ShutdownSignals.Listen(cancellationToken);
                await FollowAsync(positions, line => ComponentLogs.Write(consoles.Out, line, json), signals.Token);
            }
            return (int)ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// The lines of each file (its rotated part first) from <paramref name="from"/> on, the last
    /// <paramref name="last"/> of each; <paramref name="positions"/> gets where each log ends now: the
    /// lines before are shown, -f goes on from there, so a line written in between is shown once.
    /// </summary>
    static List<SourcedLine> Shown(IEnumerable<string> files, DateTimeOffset? from, int? last, Dictionary<string, long> positions) =>
        files.SelectMany(f =>
        {
            var lines = LogFiles.ReadLines(LogFiles.Rotated(f)).Concat(ReadRange(f, 0, out var end))
                .Select(text => new SourcedLine(ComponentLogs.FileName(f), LogLine.Parse(text))).Where(l => from is null || l.Line.Timestamp is null || l.Line.Timestamp >= from);
            positions[f] = end;
            return last is { } count ? lines.TakeLast(count) : lines;
        }).ToList();

    /// <summary>The components whose logs to show, checked against the catalog.</summary>
    static Argument<string[]> ComponentsArgument()
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
        return components;
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
                    lines.ForEach(text => write(new SourcedLine(ComponentLogs.FileName(file), LogLine.Parse(text))));
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
