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

    /// <summary>The folder for logs, data and nginx's files; null for <c>.cloudmart</c> in the repository.</summary>
    public string? StateDirectory { get; init; }

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
        CommandStarted = long.TryParse(Environment.GetEnvironmentVariable("CLOUDMART_STARTED_AT"), NumberStyles.None, CultureInfo.InvariantCulture, out var nanoseconds)
            ? DateTimeOffset.FromUnixTimeMilliseconds(nanoseconds / 1_000_000)
            : new DateTimeOffset(Process.GetCurrentProcess().StartTime),
    };

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
    public static Command Create(IAnsiConsole console, UpEnvironment environment)
    {
        var gatewayPort = new Option<int?>("--gateway-port")
        {
            Description = $"The port the gateway listens on, on 127.0.0.1 [default: {ServiceCatalog.Gateway.LocalPort}, moved by --port-offset]",
            HelpName = "port",
        };
        gatewayPort.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } port && port is < 1 or > 65535)
            {
                result.AddError($"--gateway-port must be a TCP port from 1 to 65535, not {port}.");
            }
        });
        var portOffset = new Option<int>("--port-offset")
        {
            Description = "Added to every component's local port (3000-3004 and 8080), to run beside another CloudMart",
            HelpName = "n",
            DefaultValueFactory = _ => 0,
        };
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
        var startupTimeout = new Option<int>("--startup-timeout")
        {
            Description = "Seconds every component together may take to answer /health",
            HelpName = "seconds",
            DefaultValueFactory = _ => 60,
        };
        startupTimeout.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is var seconds && seconds is < 1 or > 3600)
            {
                result.AddError($"--startup-timeout must be from 1 to 3600 seconds, not {seconds}.");
            }
        });

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
            gatewayPort, portOffset, dataDir, published, startupTimeout, fault,
        };
        command.Validators.Add(result =>
        {
            LabPorts ports;
            try
            {
                ports = new LabPorts(result.GetValue(portOffset), result.GetValue(gatewayPort));
            }
            catch (InvalidOperationException)
            {
                return; // a value that is not a number: its own error says so
            }
            if (ports.Problem() is { } problem)
            {
                result.AddError(result.GetValue(gatewayPort) is { } port
                    ? $"--gateway-port {port} with --port-offset {ports.Offset} does not fit: {problem}."
                    : $"--port-offset {ports.Offset} does not fit: {problem}.");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new UpSettings
            {
                GatewayPort = parse.GetValue(gatewayPort),
                PortOffset = parse.GetValue(portOffset),
                DataDirectory = parse.GetValue(dataDir),
                Published = parse.GetValue(published),
                StartupTimeout = TimeSpan.FromSeconds(parse.GetValue(startupTimeout)),
                Faults = LabFaultSelection.Parse(parse.GetValue(fault) ?? [], out _),
            };
            using var signals = ShutdownSignals.Listen(cancellationToken);
            return (int)await RunAsync(settings, console, environment, signals.Token);
        });
        return command;
    }

    /// <summary>
    /// Starts everything, shows where it is, waits for <paramref name="stop"/>, stops everything.
    /// </summary>
    public static async Task<ExitCodes> RunAsync(UpSettings settings, IAnsiConsole console, UpEnvironment environment, CancellationToken stop)
    {
        var layout = new LabLayout(environment.RepositoryRoot, environment.StateDirectory, settings.DataDirectory);

        var nginx = await EnsureNginxAsync(console, environment.Nginx, layout, stop);
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
        console.MarkupLineInterpolated($"Starting CloudMart: 5 services ({(settings.Published ? "published Native AOT binaries" : $"dotnet, {environment.BuildConfiguration} build")}) and nginx as the gateway…");
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
            console.MarkupLineInterpolated($"[red]CloudMart did not start:[/] {ex.Message}.");
            if (!string.IsNullOrWhiteSpace(ex.LogTail))
            {
                console.MarkupLineInterpolated($"[grey]Last lines of {ex.Component}'s log:[/]");
                console.WriteLine(ex.LogTail);
            }
            console.MarkupLine("Nothing was left running.");
            return ex.Failure switch
            {
                LabFailure.PortInUse => ExitCodes.PortInUse,
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
            console.Write(Table(lab));
            console.MarkupLineInterpolated($"[green]CloudMart is ready[/] at [bold]{Address(lab.GatewayUrl)}[/] in {ready.TotalSeconds:0.0} s.");
            console.MarkupLineInterpolated($"Data: {Shown(layout.DataDirectory)}   Logs: {Shown(layout.LogsDirectory)}");
            console.MarkupLineInterpolated($"Try: curl -X POST {Address(lab.GatewayUrl)}/api/orders -H 'Content-Type: application/json' -d '{{\"item\": \"laptop\", \"quantity\": 1}}'");
            console.MarkupLine("Press [bold]Ctrl-C[/] to stop.");

            await WatchAsync(console, lab, stop);

            console.MarkupLine("Stopping CloudMart…");
            await lab.StopAsync(e => Show(console, e));
            console.MarkupLine("Everything was stopped.");
        }
        return ExitCodes.Success;
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

    static async Task<RunningComponent> WaitForNewExitAsync(RunningLab lab, HashSet<string> reported, CancellationToken stop)
    {
        var watched = lab.Components.Where(c => !reported.Contains(c.Name)).ToList();
        var first = await Task.WhenAny(watched.Select(c => c.Process.Exited)).WaitAsync(stop);
        return watched.First(c => c.Process.Exited == first);
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
        console.MarkupLineInterpolated($"nginx is not installed; installing it with apt-get ({string.Join(" or ", NginxSetup.AptPackages)}), output in {Shown(log)}…");
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
                console.MarkupLineInterpolated($"  [green]✓[/] {healthy.Component,-21} healthy after {healthy.AfterStart.TotalSeconds:0.00} s");
                break;
            case SystemWarmedUp { Failed.Count: 0 } warmed:
                console.MarkupLineInterpolated($"  [green]✓[/] {"warm-up requests",-21} done in {warmed.Took.TotalSeconds:0.00} s");
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

    static Table Table(RunningLab lab)
    {
        var table = new Table().RoundedBorder()
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
