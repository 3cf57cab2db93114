using System.Diagnostics;

namespace CloudMart.Lab;

/// <summary>
/// A component of the local run as a process of its own. Its stdout and stderr go straight to its
/// log file (the process writes there itself, so nothing is lost if the caller dies), and it
/// leads a session of its own, so Ctrl-C in the terminal reaches only cloudmart, which then
/// stops the children in order, and a stop can signal everything the component started.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    // Opens the log, detaches from the terminal's session and becomes the program, keeping the pid.
    const string Launcher = """log=$1; shift; exec setsid "$@" </dev/null >>"$log" 2>&1""";

    readonly Process _process;

    ChildProcess(string name, Process process, string logFile)
    {
        Name = name;
        _process = process;
        LogFile = logFile;
        Pid = process.Id;
        StartTicks = ProcessInfo.StartTicks(Pid);
        // Whatever the component started (nginx's workers) goes with it, at once, while the pid
        // cannot yet have been given to another process group.
        Exited = process.WaitForExitAsync().ContinueWith(_ => ProcessInfo.Signal(Pid, ProcessInfo.SIGKILL, group: true),
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public string Name { get; }

    public int Pid { get; }

    /// <summary>The process's start time in clock ticks, to tell it apart from a later process with the same pid.</summary>
    public long? StartTicks { get; }

    public string LogFile { get; }

    /// <summary>Completes when the process has exited.</summary>
    public Task Exited { get; }

    public bool HasExited => _process.HasExited;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>Starts <paramref name="command"/> with <paramref name="environment"/> on top of this process's own, minus <paramref name="removed"/>.</summary>
    public static ChildProcess Start(string name, LaunchCommand command, IReadOnlyDictionary<string, string> environment,
        IEnumerable<string> removed, string logFile, string workingDirectory, bool keepLog = false)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
        if (!keepLog)
        {
            File.WriteAllText(logFile, "");
        }

        var start = new ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Launcher);
        start.ArgumentList.Add("cloudmart-" + name);
        start.ArgumentList.Add(logFile);
        start.ArgumentList.Add(command.FileName);
        foreach (var argument in command.Arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var variable in removed)
        {
            start.Environment.Remove(variable);
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {name}");
        return new ChildProcess(name, process, logFile);
    }

    /// <summary>
    /// Asks the process (and its process group) to stop with SIGTERM; after <paramref name="grace"/>
    /// kills what is left. True when it stopped on its own, false when it had to be killed.
    /// </summary>
    public async Task<bool> StopAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            await Exited;
            return true;
        }
        SignalAll(ProcessInfo.SIGTERM);
        if (await Task.WhenAny(Exited, Task.Delay(grace)) == Exited)
        {
            return true;
        }
        SignalAll(ProcessInfo.SIGKILL);
        await Task.WhenAny(Exited, Task.Delay(TimeSpan.FromSeconds(5)));
        return false;
    }

    // The process itself too: in its first instants it has not yet made its own process group.
    bool SignalAll(int signal) => ProcessInfo.Signal(Pid, signal, group: true) | ProcessInfo.Signal(Pid, signal);

    /// <summary>The last lines of the log, to show why a component failed.</summary>
    public string LogTail(int lines = 15) => Tail(LogFile, lines);

    public static string Tail(string file, int lines)
    {
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException)
        {
            return "";
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            SignalAll(ProcessInfo.SIGKILL);
            _process.WaitForExit(5000);
        }
        _process.Dispose();
    }
}
