using System.Diagnostics;

namespace CloudMart.Cli.Commands;

/// <summary>
/// <c>down</c>: stops a run <c>up</c> started, from any terminal, as Ctrl-C in its own terminal
/// would; it finds the run from its run record (see <see cref="RunSelection"/>).
/// </summary>
public static class DownCommand
{
    public static Command Create(CliConsoles consoles, LabEnvironment environment)
    {
        var name = RunSelection.NameOption();
        var timeout = OptionValues.Duration("--timeout", "How long to wait for the run to stop before its components are killed [default: 30s]");
        var command = new Command("down", "Stop a run that 'cloudmart up' started, from any terminal, as Ctrl-C in its own terminal would. Nothing up is not an error.") { name, timeout };
        command.SetAction(async (parse, _) =>
        {
            if (RunSelection.Choose(environment.Runs, parse.GetValue(name), consoles.Error.Profile.Out.Writer) is not { } run)
            {
                return (int)ExitCodes.UsageError;
            }
            return (int)await DownAsync(run, parse.GetValue(timeout) ?? TimeSpan.FromSeconds(30), consoles, environment);
        });
        return command;
    }

    static async Task<ExitCodes> DownAsync(LabRun run, TimeSpan timeout, CliConsoles consoles, LabEnvironment environment)
    {
        var layout = new LabLayout(environment.RepositoryRoot, run.Folder);
        if (run.Record is not { } record)
        {
            consoles.Error.MarkupLineInterpolated($"Run '{run.Name}' is not up; nothing to stop.");
            return ExitCodes.Success;
        }
        if (record.OwnerIsAlive)
        {
            consoles.Error.MarkupLineInterpolated($"Stopping run '{run.Name}' (cloudmart pid {record.OwnerPid})...");
            ProcessInfo.Signal(record.OwnerPid, ProcessInfo.SIGTERM, group: false);
            var waited = Stopwatch.StartNew();
            while (record.OwnerIsAlive && waited.Elapsed < timeout)
            {
                await Task.Delay(100);
            }
        }
        // What a dead (or too slow) owner left behind is stopped here: SIGTERM, then a kill.
        if (RunRecord.Read(layout.RunFile) is { } left && !left.OwnerIsAlive)
        {
            await LocalRun.StopLeftoversAsync(layout, e => consoles.Error.MarkupLineInterpolated($"  stopped {e.Component}, left running"));
        }
        consoles.Out.MarkupLineInterpolated($"Run '{run.Name}' is stopped.");
        return ExitCodes.Success;
    }
}
