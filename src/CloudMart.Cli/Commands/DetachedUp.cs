using System.Diagnostics;

namespace CloudMart.Cli.Commands;

/// <summary>
/// <c>up -d</c>: starts the same <c>up</c> without <c>-d</c> in a session of its own (so closing
/// the terminal does not stop it), its output in the run's up.log, and returns once the run
/// record says everything is healthy, or with the child's exit code when it gave up.
/// </summary>
public static class DetachedUp
{
    // Detaches from the terminal's session, and sends every output to the log.
    const string Launcher = """log=$1; shift; exec setsid "$@" </dev/null >"$log" 2>&1""";

    public static async Task<ExitCodes> RunAsync(UpSettings settings, IEnumerable<string> args, IAnsiConsole console, UpEnvironment environment, CancellationToken stop)
    {
        var run = environment.Runs.Get(settings.RunName);
        if (run.IsUp)
        {
            console.Profile.Out.Writer.WriteLine($"error: run '{run.Name}' is already up (cloudmart pid {run.Record!.OwnerPid}, gateway {run.GatewayUrl}).");
            return ExitCodes.AlreadyRunning;
        }
        Directory.CreateDirectory(run.Folder);
        var log = Path.Combine(run.Folder, "up.log");
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (var argument in new[] { "-c", Launcher, "cloudmart-up", log }.Concat(SelfCommand()).Append("up"))
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var argument in args.Where(a => a is not ("-d" or "--detach")).SkipWhile(a => a == "up"))
        {
            start.ArgumentList.Add(argument);
        }
        if (settings.Name is null)
        {
            start.ArgumentList.Add("--name");
            start.ArgumentList.Add(settings.RunName);
        }
        if (environment.StateDirectory is { } state)
        {
            start.Environment["CLOUDMART_STATE_DIR"] = state;
        }
        using var child = Process.Start(start) ?? throw new InvalidOperationException("could not start cloudmart up in the background");
        console.MarkupLineInterpolated($"Starting run '{run.Name}' in the background (pid {child.Id}); its output goes to {log}...");

        var deadline = Stopwatch.StartNew();
        var limit = settings.StartupTimeout + TimeSpan.FromSeconds(60);
        while (deadline.Elapsed < limit && !stop.IsCancellationRequested)
        {
            if (environment.Runs.Get(run.Name) is { IsUp: true, Record.Ready: true } ready)
            {
                console.MarkupLineInterpolated($"CloudMart is ready at {ready.GatewayUrl} (run '{run.Name}'). 'cloudmart status' shows it; 'cloudmart down{(settings.Name is null && run.Name == LabRuns.DefaultName ? "" : " --name " + run.Name)}' stops it.");
                return ExitCodes.Success;
            }
            if (child.HasExited)
            {
                console.Profile.Out.Writer.WriteLine(ChildProcess.Tail(log, 20));
                return Enum.IsDefined(typeof(ExitCodes), child.ExitCode) ? (ExitCodes)child.ExitCode : ExitCodes.StartFailed;
            }
            await Task.Delay(200, CancellationToken.None);
        }
        console.Profile.Out.Writer.WriteLine($"error: run '{run.Name}' was not ready in time; it goes on starting in the background (see {log}), 'cloudmart down' stops it.");
        return stop.IsCancellationRequested ? ExitCodes.Interrupted : ExitCodes.StartFailed;
    }

    /// <summary>How to run this very tool again: the apphost, or dotnet with the tool's assembly.</summary>
    static IEnumerable<string> SelfCommand()
    {
        var host = Environment.ProcessPath ?? "dotnet";
        var assembly = typeof(DetachedUp).Assembly.Location;
        return Path.GetFileNameWithoutExtension(host) == "dotnet" ? [host, assembly] : [host];
    }
}
