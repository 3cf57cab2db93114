namespace CloudMart.Cli.Commands;

/// <summary><c>trace</c>: one trace's log lines from every component of a run, in time order.</summary>
public static class TraceCommand
{
    public static Command Create(CliConsoles consoles, LabEnvironment environment)
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
            var lines = ComponentLogs.Ordered(ServiceCatalog.All.SelectMany(s => ComponentLogs.FileLines(Path.Combine(run.LogsDirectory, s.Name + ".log"), s.Name)))
                .Where(l => string.Equals(l.Line.TraceId, id, StringComparison.OrdinalIgnoreCase)).ToList();
            if (lines.Count == 0)
            {
                consoles.Error.MarkupLineInterpolated($"No log line of run '{run.Name}' has trace id {id}.");
                return (int)ExitCodes.NothingFound;
            }
            lines.ForEach(l => ComponentLogs.Write(consoles.Out, l, output.IsJson(parse)));
            return (int)ExitCodes.Success;
        });
        return command;
    }
}
