using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace CloudMart.Cli.Commands;

/// <summary>
/// The verbs that work on a run <c>up</c> started, from any terminal: <c>down</c> stops it and
/// <c>status</c> shows it, <c>restart</c> restarts one component. They find it from its run record (see <see cref="RunSelection"/>).
/// </summary>
public static class RunVerbs
{
    static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>How long status waits for each /health by default: all are asked at once, so status answers in under a second.</summary>
    static readonly TimeSpan HealthWait = TimeSpan.FromMilliseconds(800);

    public static Command Down(CliConsoles consoles, VerifyEnvironment environment)
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

    static async Task<ExitCodes> DownAsync(LabRun run, TimeSpan timeout, CliConsoles consoles, VerifyEnvironment environment)
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

    public static Command Restart(CliConsoles consoles, VerifyEnvironment environment)
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

    public static Command Status(CliConsoles consoles, VerifyEnvironment environment)
    {
        var name = RunSelection.NameOption("The run to show [default: every run]");
        var wait = OptionValues.Duration("--timeout", "How long to wait for each component's /health answer, all at once [default: 800ms]");
        var output = OutputFormat.Create();
        var command = new Command("status", "Show what runs: each run's components, their addresses and pids, whether they answer /health, and since when. Answers in under a second.")
        {
            name, wait, output.Format, output.JsonAlias,
        };
        command.SetAction(async (parse, _) =>
        {
            var healthWait = parse.GetValue(wait) ?? HealthWait;
            IReadOnlyList<LabRun> runs = parse.GetValue(name) is { } one ? [environment.Runs.Get(one)] : environment.Runs.All();
            var up = runs.Where(r => r.IsUp).ToList();
            var rows = (await Task.WhenAll(up.SelectMany(r => r.Record!.Components.Concat(r.Record.Observers).Select(c => Row(r, c, healthWait))))).ToList();
            if (output.IsJson(parse))
            {
                consoles.Out.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(rows, CliJson.Default.ListStatusRow));
            }
            else if (rows.Count == 0)
            {
                consoles.Error.MarkupLine(parse.GetValue(name) is { } n ? $"Run '{Markup.Escape(n)}' is not up." : "No run is up; 'cloudmart up' starts one.");
            }
            else
            {
                consoles.Out.Write(StatusTable(consoles.Out, rows));
            }
            return (int)(up.Count > 0 ? ExitCodes.Success : ExitCodes.NotRunning);
        });
        return command;
    }

    static async Task<StatusRow> Row(LabRun run, RunRecordComponent component, TimeSpan wait)
    {
        var alive = component.StartTicks is { } ticks && ProcessInfo.IsAlive(component.Pid, ticks);
        var health = alive ? await HealthAsync(component.Url.TrimEnd('/') + component.HealthPath, wait) : "exited";
        return new StatusRow(run.Name, component.Name, component.Url, component.Pid, alive ? "running" : "exited", health, run.Record!.Started);
    }

    static async Task<string> HealthAsync(string url, TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            using var response = await Http.GetAsync(url, timeout.Token);
            return response.IsSuccessStatusCode ? "healthy" : $"unhealthy ({(int)response.StatusCode})";
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            return "no answer";
        }
    }

    static Table StatusTable(IAnsiConsole console, IReadOnlyList<StatusRow> rows)
    {
        var table = new Table().Boxed(console)
            .AddColumn("Run").AddColumn("Component").AddColumn("URL").AddColumn(new TableColumn("PID").RightAligned()).AddColumn("State").AddColumn("Health").AddColumn("Since");
        foreach (var row in rows)
        {
            var colour = row.Health == "healthy" ? "green" : "red";
            table.AddRow(Markup.Escape(row.Run), Markup.Escape(row.Component), Markup.Escape(row.Url), row.Pid.ToString(CultureInfo.InvariantCulture),
                row.State, $"[{colour}]{Markup.Escape(row.Health)}[/]", row.Since.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        }
        return table;
    }
}

/// <summary>One component of a run as <c>status</c> shows it.</summary>
public sealed record StatusRow(string Run, string Component, string Url, int Pid, string State, string Health, DateTimeOffset Since);
