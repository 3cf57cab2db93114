using System.Diagnostics;

namespace CloudMart.Cli.Commands;

/// <summary><c>restart</c>: asks a run that is up to restart one component, and waits until it is healthy again.</summary>
public static class RestartCommand
{
    public static Command Create(CliConsoles consoles, LabEnvironment environment)
    {
        var component = new Argument<string>("COMPONENT") { Description = $"The component to restart: {string.Join(", ", ServiceCatalog.All.Select(s => s.Name))}" };
        component.CompletionSources.Add(ServiceCatalog.All.Select(s => s.Name).ToArray());
        component.Validators.Add(result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (!ServiceCatalog.All.Any(s => s.Name == text))
            {
                result.AddError($"COMPONENT '{text}' is not one of {string.Join(", ", ServiceCatalog.All.Select(s => s.Name))}.");
            }
        });
        var name = RunSelection.NameOption();
        var command = new Command("restart", "Restart one component of a run that is up (its log goes on), and wait until it answers /health again.") { component, name };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (RunSelection.Choose(environment.Runs, parse.GetValue(name), consoles.Error.Profile.Out.Writer) is not { } run)
            {
                return (int)ExitCodes.UsageError;
            }
            if (!run.IsUp)
            {
                consoles.Error.MarkupLineInterpolated($"Run '{run.Name}' is not up; 'cloudmart up' starts it.");
                return (int)ExitCodes.NotRunning;
            }
            var target = parse.GetValue(component)!;
            var before = run.Record!.Components.First(c => c.Name == target).Pid;
            var layout = environment.Layout(run);
            File.WriteAllText(layout.RestartRequestFile, target);
            consoles.Error.MarkupLineInterpolated($"Asked run '{run.Name}' to restart {target} (pid {before})...");
            var waited = Stopwatch.StartNew();
            while (waited.Elapsed < TimeSpan.FromMinutes(2) && !cancellationToken.IsCancellationRequested)
            {
                if (environment.Runs.Get(run.Name) is { IsUp: true, Record: { Ready: true } record }
                    && record.Components.First(c => c.Name == target) is { } now && now.Pid != before)
                {
                    consoles.Out.MarkupLineInterpolated($"{target} restarted: pid {now.Pid}, healthy.");
                    return (int)ExitCodes.Success;
                }
                if (!environment.Runs.Get(run.Name).IsUp)
                {
                    break;
                }
                await Task.Delay(200, CancellationToken.None);
            }
            consoles.Error.MarkupLineInterpolated($"{target} did not come back healthy; see 'cloudmart logs {target}'.");
            return (int)ExitCodes.StartFailed;
        });
        return command;
    }
}
