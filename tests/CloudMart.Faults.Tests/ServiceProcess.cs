using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CloudMart.Faults.Tests;

/// <summary>Where the repository and the services' build output are.</summary>
static class Repo
{
    public static string Root { get; } = FindRoot();

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CloudMart.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("CloudMart.slnx not found above " + AppContext.BaseDirectory);
    }

    public static string ServiceDir(string service) => Path.Combine(Root, "services", "day-4", "broken-production", service);

#if DEBUG
    const string Configuration = "Debug";
#else
    const string Configuration = "Release";
#endif

    /// <summary>The service's framework-dependent build, built with this test project.</summary>
    public static string ServiceDll(string service) => Path.Combine(ServiceDir(service), "bin", Configuration, "net10.0", service + ".dll");

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A service running as its own process, its output captured line by line.</summary>
sealed class ServiceProcess : IDisposable
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
        Start("dotnet", [Repo.ServiceDll(service)], variables);

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
    public async Task WaitHealthyAsync(int port, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the service exited with {_process.ExitCode}:\n{string.Join('\n', _lines)}");
            }
            try
            {
                if ((await http.GetAsync($"http://127.0.0.1:{port}/health")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"no healthy answer on port {port} within {timeout}:\n{string.Join('\n', _lines)}");
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
