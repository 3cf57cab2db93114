using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using CloudMart.Catalog;
using CloudMart.Lab;
using Spectre.Console;

namespace CloudMart.Cli.Commands;

/// <summary>What <c>up</c> was asked for, from its options.</summary>
public sealed record UpSettings
{
    public int? GatewayPort { get; init; }

    public int PortOffset { get; init; }

    public string? DataDirectory { get; init; }

    public bool Published { get; init; }

    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The run's name; null for the one its ports give (<see cref="LabRuns.NameFor"/>).</summary>
    public string? Name { get; init; }

    /// <summary>Start in the background, return once everything is healthy.</summary>
    public bool Detach { get; init; }

    /// <summary>Start with an empty database.</summary>
    public bool Fresh { get; init; }

    public string RunName => Name ?? LabRuns.NameFor(Ports);

    /// <summary>The lab faults to run with (<c>--fault</c>); none by default.</summary>
    public LabFaultSelection Faults { get; init; } = LabFaultSelection.None;

    public LabPorts Ports => new(PortOffset, GatewayPort);
}

/// <summary>The machine as <c>up</c> sees it; tests describe another one.</summary>
public sealed record UpEnvironment
{
    public required string RepositoryRoot { get; init; }

    /// <summary>The configuration the services were built in, the same as this tool's.</summary>
    public required string BuildConfiguration { get; init; }

    public required NginxSetup Nginx { get; init; }

    /// <summary>The folder that holds every run's folder (runs/NAME); null for <c>.cloudmart</c> in the repository.</summary>
    public string? StateDirectory { get; init; }

    public LabRuns Runs => new(StateDirectory ?? Path.Combine(RepositoryRoot, LabLayout.DefaultStateFolder));

    /// <summary>When the command was given, for the time-to-ready figure.</summary>
    public required DateTimeOffset CommandStarted { get; init; }

    /// <summary>
    /// This machine. The <c>./cloudmart</c> script passes the moment it was run (before any build
    /// check) in CLOUDMART_STARTED_AT, in nanoseconds since 1970; otherwise this process's start counts.
    /// </summary>
    public static UpEnvironment FromMachine() => new()
    {
        RepositoryRoot = LabRepository.LocateRequired(AppContext.BaseDirectory).Root,
        BuildConfiguration = ThisConfiguration,
        Nginx = new NginxSetup(),
        StateDirectory = StateFromMachine(),
        CommandStarted = long.TryParse(Environment.GetEnvironmentVariable("CLOUDMART_STARTED_AT"), NumberStyles.None, CultureInfo.InvariantCulture, out var nanoseconds)
            ? DateTimeOffset.FromUnixTimeMilliseconds(nanoseconds / 1_000_000)
            : new DateTimeOffset(Process.GetCurrentProcess().StartTime),
    };

    /// <summary>CLOUDMART_STATE_DIR, where set: the folder for every run's state instead of .cloudmart in the repository.</summary>
    public static string? StateFromMachine() =>
        Environment.GetEnvironmentVariable("CLOUDMART_STATE_DIR") is { Length: > 0 } folder ? Path.GetFullPath(folder) : null;

#if DEBUG
    public const string ThisConfiguration = "Debug";
#else
    public const string ThisConfiguration = "Release";
#endif
}

/// <summary>
/// <c>cloudmart up</c>: runs CloudMart on this machine — the five services as processes and nginx
/// as the gateway — until Ctrl-C, then stops everything it started.
/// </summary>
public static class UpCommand
{
    public static Command Create(IAnsiConsole console, UpEnvironment environment, IAnsiConsole? error = null)
    {
        var gatewayPort = OptionValues.Count("--gateway-port",
            $"The port the gateway listens on, on 127.0.0.1 [default: {ServiceCatalog.Gateway.LocalPort}, moved by --port-offset]", 1, 65535);
        gatewayPort.HelpName = "port";
        var portOffset = OptionValues.Count("--port-offset",
            "Added to every component's local port (3000-3004 and 8080), to run beside another CloudMart [default: 0]", 0, 65535);
        var dataDir = new Option<string?>("--data-dir")
        {
            Description = $"Where the database-service keeps its SQLite file [default: {LabLayout.DefaultStateFolder}/data]",
            HelpName = "folder",
        };
        dataDir.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } folder && (folder.Length == 0 || File.Exists(folder)))
            {
                result.AddError($"--data-dir must be a folder, and '{folder}' is {(folder.Length == 0 ? "empty" : "a file")}.");
            }
        });
        var published = new Option<bool>("--published")
        {
            Description = $"Run the Native AOT binaries published under {ServiceBinaries.DefaultPublishFolder}/SERVICE/ (as the images ship) instead of the dotnet build",
        };
        var startupTimeout = OptionValues.Count("--startup-timeout", "Seconds every component together may take to answer /health [default: 60]", 1, 3600);
        startupTimeout.HelpName = "seconds";

        var name = RunSelection.NameOption("The run's name: its folder under .cloudmart/runs/, which the other verbs take [default: 'default', or port-GATEWAYPORT off the default ports]");
        var detach = new Option<bool>("--detach", "-d") { Description = "Start in the background and return once everything is healthy; 'cloudmart down' stops it" };
        var fresh = new Option<bool>("--fresh") { Description = "Start with an empty database: the run's orders are deleted first" };

        var fault = new Option<string[]>("--fault")
        {
            Description = $"Put lab fault N back as shipped, to practise without a cluster: {string.Join(", ", LabFaultSelection.Available)} or all (repeatable)",
            HelpName = "N",
        };
        fault.Validators.Add(result =>
        {
            LabFaultSelection.Parse(result.GetValueOrDefault<string[]>() ?? [], out var problem);
            if (problem is not null)
            {
                result.AddError(problem + ".");
            }
        });

        var command = new Command("up", "Start CloudMart here: the five services and nginx as the gateway on http://127.0.0.1:8080. Ctrl-C stops everything.")
        {
            gatewayPort, portOffset, dataDir, published, startupTimeout, name, detach, fresh, fault,
        };
        command.Validators.Add(result =>
        {
            if (!(result.TryGet(portOffset, out var offset) && result.TryGet(gatewayPort, out var port)))
            {
                return; // a value that is not a number: its own error says so
            }
            var ports = new LabPorts(offset ?? 0, port);
            if (ports.Problem() is { } problem)
            {
                result.AddError(port is { } gateway
                    ? $"--gateway-port {gateway} with --port-offset {ports.Offset} does not fit: {problem}."
                    : $"--port-offset {ports.Offset} does not fit: {problem}.");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new UpSettings
            {
                GatewayPort = parse.GetValue(gatewayPort),
                PortOffset = parse.GetValue(portOffset) ?? 0,
                DataDirectory = parse.GetValue(dataDir),
                Published = parse.GetValue(published),
                StartupTimeout = TimeSpan.FromSeconds(parse.GetValue(startupTimeout) ?? 60),
                Name = parse.GetValue(name),
                Detach = parse.GetValue(detach),
                Fresh = parse.GetValue(fresh),
                Faults = LabFaultSelection.Parse(parse.GetValue(fault) ?? [], out _),
            };
            if (settings.Detach)
            {
                return (int)await DetachedUp.RunAsync(settings, args: parse.Tokens.Select(t => t.Value), error ?? console, environment, cancellationToken);
            }
            using var signals = ShutdownSignals.Listen(cancellationToken);
            return (int)await RunAsync(settings, console, environment, signals.Token, error);
        });
        return command;
    }

    /// <summary>
    /// Starts everything, shows where it is, waits for <paramref name="stop"/>, stops everything.
    /// </summary>
    public static async Task<ExitCodes> RunAsync(UpSettings settings, IAnsiConsole console, UpEnvironment environment, CancellationToken stop, IAnsiConsole? error = null)
    {
        var layout = new LabLayout(environment.RepositoryRoot, environment.Runs.Folder(settings.RunName), settings.DataDirectory);
        if (environment.Runs.Get(settings.RunName) is { IsUp: true } running)
        {
            (error ?? console).Profile.Out.Writer.WriteLine(
                $"error: run '{running.Name}' is already up (cloudmart pid {running.Record!.OwnerPid}, gateway {running.GatewayUrl}); 'cloudmart down{(settings.Name is null ? "" : " --name " + settings.Name)}' stops it, or give this one another --name or --port-offset.");
            return ExitCodes.AlreadyRunning;
        }
        if (settings.DataDirectory is not null && UnusableFolder(layout.DataDirectory) is { } why)
        {
            (error ?? console).Profile.Out.Writer.WriteLine($"error: --data-dir '{settings.DataDirectory}' cannot be used: {why}. See 'cloudmart up --help'.");
            return ExitCodes.UsageError;
        }

        if (settings.Fresh)
        {
            var deleted = FreshData(layout.DataDirectory);
            console.MarkupLineInterpolated($"--fresh: deleted {deleted} database file{(deleted == 1 ? "" : "s")} in {Shown(layout.DataDirectory)}.");
        }

        var nginx = await EnsureNginxAsync(error ?? console, environment.Nginx, layout, stop);
        if (nginx is null)
        {
            return stop.IsCancellationRequested ? ExitCodes.Interrupted : ExitCodes.NginxMissing;
        }

        var binaries = settings.Published ? ServiceBinaries.Published() : ServiceBinaries.Build(environment.BuildConfiguration);
        var options = new LocalRunOptions
        {
            Layout = layout,
            Ports = settings.Ports,
            Binaries = binaries,
            NginxPath = nginx,
            StartTimeout = settings.StartupTimeout,
            Faults = settings.Faults,
        };
        console.MarkupLineInterpolated($"Starting CloudMart: 5 services ({(settings.Published ? "published Native AOT binaries" : $"dotnet, {environment.BuildConfiguration} build")}) and nginx as the gateway...");
        if (settings.Faults.Faults.Count > 0)
        {
            console.MarkupLineInterpolated($"[yellow]With lab fault(s) {settings.Faults} put back as shipped[/] (docs/trainer-guide.md says what each one shows).");
        }

        RunningLab lab;
        try
        {
            lab = await LocalRun.StartAsync(options, e => Show(console, e), stop);
        }
        catch (LabStartException ex)
        {
            var err = error ?? console;
            err.MarkupLineInterpolated($"[red]CloudMart did not start:[/] {ex.Message}.");
            if (!string.IsNullOrWhiteSpace(ex.LogTail))
            {
                err.MarkupLineInterpolated($"[grey]Last lines of {ex.Component}'s log:[/]");
                err.WriteLine(ex.LogTail);
            }
            err.MarkupLine("Nothing was left running.");
            return ex.Failure switch
            {
                LabFailure.PortInUse => ExitCodes.PortInUse,
                LabFailure.AlreadyRunning => ExitCodes.AlreadyRunning,
                _ => ExitCodes.StartFailed,
            };
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            console.MarkupLine("Interrupted while starting; everything started was stopped.");
            return ExitCodes.Interrupted;
        }

        await using (lab)
        {
            var ready = DateTimeOffset.Now - environment.CommandStarted;
            console.Write(Table(console, lab));
            console.MarkupLineInterpolated($"[green]CloudMart is ready[/] at [bold]{Address(lab.GatewayUrl)}[/] in {ready.TotalSeconds:0.0} s.");
            console.MarkupLineInterpolated($"Data: {Shown(layout.DataDirectory)}   Logs: {Shown(layout.LogsDirectory)}");
            // Written past the console's wrapping: a command broken inside its quotes does not paste.
            console.Profile.Out.Writer.WriteLine($"Try: curl -X POST {Address(lab.GatewayUrl)}/api/orders -H 'Content-Type: application/json' -d '{{\"item\": \"laptop\", \"quantity\": 1}}'");
            console.MarkupLine("Press [bold]Ctrl-C[/] to stop.");

            lab.MarkReady();
            var housekeeping = KeepHouseAsync(console, lab, stop);
            await WatchAsync(console, lab, stop);
            await housekeeping;

            console.MarkupLine("Stopping CloudMart...");
            await lab.StopAsync(e => Show(console, e));
            console.MarkupLine("Everything was stopped.");
        }
        return ExitCodes.Success;
    }

    /// <summary>Deletes the SQLite files (DB_NAME.db and its journal, -wal and -shm) and nothing else; returns how many.</summary>
    static int FreshData(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return 0;
        }
        var files = new[] { "*.db", "*.db-wal", "*.db-shm", "*.db-journal" }.SelectMany(p => Directory.EnumerateFiles(folder, p)).ToList();
        files.ForEach(File.Delete);
        return files.Count;
    }

    /// <summary>Why the database cannot keep its file in <paramref name="folder"/>, or null when it can.</summary>
    static string? UnusableFolder(string folder)
    {
        try
        {
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, $".cloudmart-probe-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return ex.Message.TrimEnd('.');
        }
    }

    /// <summary>Until told to stop, reports each component that exits on its own; the others keep running.</summary>
    static async Task WatchAsync(IAnsiConsole console, RunningLab lab, CancellationToken stop)
    {
        var reported = new HashSet<string>();
        while (!stop.IsCancellationRequested && reported.Count < lab.Components.Count)
        {
            try
            {
                var exited = await WaitForNewExitAsync(lab, reported, stop);
                reported.Add(exited.Name);
                var how = exited.Process.ExitCode == 128 + 9 ? " (SIGKILL: with --fault 6, the kernel's OOM killer)" : "";
                console.MarkupLineInterpolated($"[red]{exited.Name} exited with code {exited.Process.ExitCode}[/]{how}; see {Shown(exited.LogFile)}. The others keep running; Ctrl-C stops them.");
            }
            catch (OperationCanceledException)
            {
            }
        }
        if (!stop.IsCancellationRequested)
        {
            console.MarkupLine("[red]Every component has exited.[/]");
        }
    }

    /// <summary>
    /// Until told to stop: restarts the component <c>cloudmart restart</c> asks for, and keeps every
    /// component's log under <see cref="LogFiles.RotateAt"/> (twice that with the rotated part).
    /// </summary>
    static async Task KeepHouseAsync(IAnsiConsole console, RunningLab lab, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var ticks = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                if (File.Exists(lab.Layout.RestartRequestFile))
                {
                    var name = File.ReadAllText(lab.Layout.RestartRequestFile).Trim();
                    File.Delete(lab.Layout.RestartRequestFile);
                    await RestartAsync(console, lab, name, stop);
                }
                if (++ticks % 5 == 0)
                {
                    foreach (var component in lab.Components)
                    {
                        LogFiles.RotateIfLarger(component.LogFile);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    static async Task RestartAsync(IAnsiConsole console, RunningLab lab, string name, CancellationToken stop)
    {
        if (!lab.Components.Any(c => c.Name == name))
        {
            return;
        }
        console.MarkupLineInterpolated($"Restarting {name}, as 'cloudmart restart' asked...");
        try
        {
            var fresh = await lab.RestartAsync(name, stop);
            console.MarkupLineInterpolated($"  {name} is back (pid {fresh.Pid}) and healthy.");
        }
        catch (LabStartException ex)
        {
            console.MarkupLineInterpolated($"[red]{name} did not come back:[/] {ex.Message}.");
        }
    }

    static async Task<RunningComponent> WaitForNewExitAsync(RunningLab lab, HashSet<string> reported, CancellationToken stop)
    {
        while (true)
        {
            var watched = lab.Components.Where(c => !reported.Contains(c.Name)).ToList();
            var first = await Task.WhenAny(watched.Select(c => c.Process.Exited)).WaitAsync(stop);
            // A process a restart replaced has exited on purpose; watch its successor instead.
            if (lab.Components.FirstOrDefault(c => c.Process.Exited == first) is { } exited && !lab.IsRestarting(exited.Name))
            {
                return exited;
            }
            await Task.Delay(100, stop);
        }
    }

    /// <summary>The nginx binary to use: found, or installed when this machine allows it. Null when there is none.</summary>
    static async Task<string?> EnsureNginxAsync(IAnsiConsole console, NginxSetup setup, LabLayout layout, CancellationToken stop)
    {
        if (setup.Find() is { } found)
        {
            return found;
        }
        if (setup.ExplicitPath is { } explicitPath)
        {
            console.MarkupLineInterpolated($"[red]CLOUDMART_NGINX is {explicitPath}, and there is no such file.[/] Point it at an nginx binary, or unset it to use the nginx on the PATH.");
            return null;
        }
        if (!setup.CanInstall)
        {
            console.MarkupLine("[red]nginx is not installed[/], and CloudMart's gateway is nginx.");
            console.MarkupLineInterpolated($"To {NginxSetup.InstallHint}.");
            return null;
        }
        var log = Path.Combine(layout.LogsDirectory, "nginx-install.log");
        console.MarkupLineInterpolated($"nginx is not installed; installing it with apt-get ({string.Join(" or ", NginxSetup.AptPackages)}), output in {Shown(log)}...");
        try
        {
            if (await setup.InstallAsync(log, stop) && setup.Find() is { } installed)
            {
                console.MarkupLineInterpolated($"Installed {installed}.");
                return installed;
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        console.MarkupLineInterpolated($"[red]Installing nginx failed[/]; see {Shown(log)}.");
        console.MarkupLineInterpolated($"To {NginxSetup.InstallHint}.");
        return null;
    }

    static void Show(IAnsiConsole console, LabEvent e)
    {
        switch (e)
        {
            case LeftoverStopped left:
                console.MarkupLineInterpolated($"[yellow]Stopped {left.Component} (pid {left.Pid}), left running by an earlier cloudmart that did not stop cleanly.[/]");
                break;
            case ComponentHealthy healthy:
                console.MarkupLineInterpolated($"  [green]{console.Mark("✓", "+")}[/] {healthy.Component,-21} healthy after {healthy.AfterStart.TotalSeconds:0.00} s");
                break;
            case SystemWarmedUp { Failed.Count: 0 } warmed:
                console.MarkupLineInterpolated($"  [green]{console.Mark("✓", "+")}[/] {"warm-up requests",-21} done in {warmed.Took.TotalSeconds:0.00} s");
                break;
            case SystemWarmedUp warmed:
                console.MarkupLineInterpolated($"  [yellow]![/] warm-up requests: {string.Join("; ", warmed.Failed)}");
                break;
            case ComponentStopped { Killed: true } killed:
                console.MarkupLineInterpolated($"  [yellow]killed[/] {killed.Component} (pid {killed.Pid}): it did not stop within the grace period");
                break;
            case ComponentStopped stopped:
                console.MarkupLineInterpolated($"  stopped {stopped.Component} (pid {stopped.Pid})");
                break;
        }
    }

    static Table Table(IAnsiConsole console, RunningLab lab)
    {
        var table = new Table().Boxed(console)
            .AddColumn("Component").AddColumn("URL").AddColumn(new TableColumn("PID").RightAligned()).AddColumn("Log");
        foreach (var component in lab.Components)
        {
            table.AddRow(Markup.Escape(component.Name), Markup.Escape(Address(component.Url)),
                component.Pid.ToString(CultureInfo.InvariantCulture), Markup.Escape(Shown(component.LogFile)));
        }
        return table;
    }

    static string Address(Uri url) => url.ToString().TrimEnd('/');

    /// <summary>A path relative to the current folder when it is under it, so it reads short.</summary>
    static string Shown(string path)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }
}
