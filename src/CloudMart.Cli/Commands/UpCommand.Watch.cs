using System.Diagnostics;

namespace CloudMart.Cli.Commands;

public static partial class UpCommand
{
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
}
