using System.Collections.Concurrent;
using System.Diagnostics;

namespace CloudMart.Testing;

/// <summary>Where the services' builds are.</summary>
public static class ServiceBuilds
{
#if DEBUG
    const string Configuration = "Debug";
#else
    const string Configuration = "Release";
#endif

    /// <summary>The service's framework-dependent build, built with the test project that references it.</summary>
    public static string Dll(string service)
    {
        var dll = Path.Combine(TestMachine.Repository.ServiceDir(service), "bin", Configuration, "net10.0", service + ".dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"{dll} is missing: the test project builds the services it starts", dll);
    }
}

/// <summary>A service running as its own process, its output captured line by line.</summary>
public sealed class ServiceProcess : IDisposable
{
    readonly Process _process;
    readonly ConcurrentQueue<string> _lines = new();

    ServiceProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) { _lines.Enqueue(e.Data); } };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { _lines.Enqueue(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;
    public IReadOnlyCollection<string> Lines => _lines;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    /// <summary>Starts <c>dotnet service.dll</c> (or a native binary) with exactly the given variables on top of a minimal environment.</summary>
    public static ServiceProcess Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> variables)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // Nothing of the test's own environment that could change a service's configuration.
        foreach (var key in start.Environment.Keys.ToList())
        {
            if (key.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || key.StartsWith("DOTNET_", StringComparison.Ordinal) || key.StartsWith("OTEL_", StringComparison.Ordinal))
            {
                start.Environment.Remove(key);
            }
        }
        foreach (var (name, value) in variables)
        {
            start.Environment[name] = value;
        }
        return new ServiceProcess(Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}"));
    }

    public static ServiceProcess StartDll(string service, IReadOnlyDictionary<string, string> variables) =>
        Start("dotnet", [ServiceBuilds.Dll(service)], variables);

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            _process.WaitForExit(); // drains the output readers
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Polls <c>GET /health</c> until it answers 200, the process exits, or the timeout passes.</summary>
    public Task WaitHealthyAsync(int port, TimeSpan timeout) =>
        HealthWait.UntilHealthyAsync(new Uri($"http://127.0.0.1:{port}/health"), timeout,
            () => _process.HasExited ? $"the service exited with {_process.ExitCode}:\n{string.Join('\n', _lines)}" : null,
            () => string.Join('\n', _lines));

    /// <summary>Waits until a line matches (or the timeout passes), and returns every line so far.</summary>
    public async Task<IReadOnlyList<string>> WaitForLinesAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout && !_lines.Any(match))
        {
            await Task.Delay(50);
        }
        return [.. _lines];
    }

    public void Dispose() => ProcessEnd.KillAndDispose(_process);
}
