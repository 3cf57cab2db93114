using System.Diagnostics;
using System.Globalization;

namespace CloudMart.Cli.Commands;

/// <summary>
/// <c>cloudmart up</c>: runs CloudMart on this machine — the five services as processes and nginx
/// as the gateway — until Ctrl-C, then stops everything it started.
/// </summary>
public static partial class UpCommand
{
    /// <summary>
    /// Starts everything, shows where it is, waits for <paramref name="stop"/>, stops everything.
    /// </summary>
    public static async Task<ExitCodes> RunAsync(UpSettings settings, IAnsiConsole console, UpEnvironment environment, CancellationToken stop, IAnsiConsole? error = null)
    {
        // Progress and errors go to the error stream; stdout holds only where the run is, once it is ready.
        var progress = error ?? console;
        var layout = new LabLayout(environment.RepositoryRoot, environment.Runs.Folder(settings.RunName), settings.DataDirectory);
        if (Refused(settings, environment, layout, progress) is { } refused)
        {
            return refused;
        }
        if (settings.Fresh)
        {
            var deleted = FreshData(layout.DataDirectory);
            progress.MarkupLineInterpolated($"--fresh: deleted {deleted} database file{(deleted == 1 ? "" : "s")} in {Shown(layout.DataDirectory)}.");
        }

        var nginx = await EnsureNginxAsync(progress, environment.Nginx, layout, stop);
        if (nginx is null)
        {
            return stop.IsCancellationRequested ? ExitCodes.Interrupted : ExitCodes.NginxMissing;
        }

        if (!TryObserveSetup(settings, layout, progress, out var observeSetup))
        {
            return ExitCodes.StartFailed;
        }

        var options = RunOptions(settings, environment, layout, nginx, observeSetup);
        progress.MarkupLineInterpolated($"Starting CloudMart: 5 services ({(settings.Published ? "published Native AOT binaries" : $"dotnet, {environment.BuildConfiguration} build")}) and nginx as the gateway...");
        if (settings.Faults.Faults.Count > 0)
        {
            progress.MarkupLineInterpolated($"[yellow]With lab fault(s) {settings.Faults} put back as shipped[/] (docs/trainer-guide.md says what each one shows).");
        }

        var (lab, failed) = await StartAsync(options, progress, stop);
        if (lab is null)
        {
            return failed;
        }

        await using (lab)
        {
            ShowReady(console, lab, layout, DateTimeOffset.Now - environment.CommandStarted);

            lab.MarkReady();
            var housekeeping = KeepHouseAsync(progress, lab, stop);
            await WatchAsync(progress, lab, stop);
            await housekeeping;

            progress.MarkupLine("Stopping CloudMart...");
            await lab.StopAsync(e => Show(progress, e));
            progress.MarkupLine("Everything was stopped.");
        }
        return ExitCodes.Success;
    }

    static LocalRunOptions RunOptions(UpSettings settings, UpEnvironment environment, LabLayout layout, string nginx, ObserveSetup? observe) => new()
    {
        Layout = layout,
        Ports = settings.Ports,
        Binaries = settings.Published ? ServiceBinaries.Published() : ServiceBinaries.Build(environment.BuildConfiguration),
        NginxPath = nginx,
        StartTimeout = settings.StartupTimeout,
        Faults = settings.Faults,
        Observe = observe,
    };

    /// <summary>The observe stack's setup when --observe asks for it (null otherwise); false, said why, when it cannot start.</summary>
    static bool TryObserveSetup(UpSettings settings, LabLayout layout, IAnsiConsole progress, out ObserveSetup? setup)
    {
        setup = null;
        try
        {
            setup = settings.Observe ? ObserveSetup.FromMachine(layout) : null;
            return true;
        }
        catch (LabStartException ex)
        {
            progress.MarkupLineInterpolated($"[red]--observe cannot start:[/] {ex.Message}.");
            return false;
        }
    }

    /// <summary>Where the run is, once it is ready: the only lines on stdout.</summary>
    static void ShowReady(IAnsiConsole console, RunningLab lab, LabLayout layout, TimeSpan ready)
    {
        console.Write(Table(console, lab));
        console.MarkupLineInterpolated($"[green]CloudMart is ready[/] at [bold]{Address(lab.GatewayUrl)}[/] in {ready.TotalSeconds:0.0} s.");
        console.MarkupLineInterpolated($"Data: {Shown(layout.DataDirectory)}   Logs: {Shown(layout.LogsDirectory)}");
        ShowObservers(console, lab);
        // Written past the console's wrapping: a command broken inside its quotes does not paste.
        console.Profile.Out.Writer.WriteLine($"Try: curl -X POST {Address(lab.GatewayUrl)}/api/orders -H 'Content-Type: application/json' -d '{{\"item\": \"laptop\", \"quantity\": 1}}'");
        console.MarkupLine("Press [bold]Ctrl-C[/] to stop.");
    }

    /// <summary>Why this run must not start (another run of that name is up, an unusable data folder), or null.</summary>
    static ExitCodes? Refused(UpSettings settings, UpEnvironment environment, LabLayout layout, IAnsiConsole progress)
    {
        if (environment.Runs.Get(settings.RunName) is { IsUp: true } running)
        {
            progress.Profile.Out.Writer.WriteLine(
                $"error: run '{running.Name}' is already up (cloudmart pid {running.Record!.OwnerPid}, gateway {running.GatewayUrl}); 'cloudmart down{(settings.Name is null ? "" : " --name " + settings.Name)}' stops it, or give this one another --name or --port-offset.");
            return ExitCodes.AlreadyRunning;
        }
        if (settings.DataDirectory is not null && UnusableFolder(layout.DataDirectory) is { } why)
        {
            progress.Profile.Out.Writer.WriteLine($"error: --data-dir '{settings.DataDirectory}' cannot be used: {why}. See 'cloudmart up --help'.");
            return ExitCodes.UsageError;
        }
        return null;
    }

    /// <summary>Starts the lab, or reports on <paramref name="error"/> why it did not start and returns the exit code for that.</summary>
    static async Task<(RunningLab? Lab, ExitCodes Failed)> StartAsync(LocalRunOptions options, IAnsiConsole error, CancellationToken stop)
    {
        try
        {
            return (await LocalRun.StartAsync(options, e => Show(error, e), stop), ExitCodes.Success);
        }
        catch (LabStartException ex)
        {
            error.MarkupLineInterpolated($"[red]CloudMart did not start:[/] {ex.Message}.");
            if (!string.IsNullOrWhiteSpace(ex.LogTail))
            {
                error.MarkupLineInterpolated($"[grey]Last lines of {ex.Component}'s log:[/]");
                error.WriteLine(ex.LogTail);
            }
            error.MarkupLine("Nothing was left running.");
            return (null, ex.Failure switch
            {
                LabFailure.PortInUse => ExitCodes.PortInUse,
                LabFailure.AlreadyRunning => ExitCodes.AlreadyRunning,
                _ => ExitCodes.StartFailed,
            });
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            error.MarkupLine("Interrupted while starting; everything started was stopped.");
            return (null, ExitCodes.Interrupted);
        }
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

    static void ShowObservers(IAnsiConsole console, RunningLab lab)
    {
        foreach (var observer in lab.Observers)
        {
            var what = observer.Name == ObserveStack.DashboardName ? "traces, logs and metrics (Aspire Dashboard)" : "metrics and alerts (Prometheus)";
            console.MarkupLineInterpolated($"Observe {what}: [bold]{Address(observer.Url)}[/]");
        }
    }

    /// <summary>A path relative to the current folder when it is under it, so it reads short.</summary>
    static string Shown(string path)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }
}
