using System.Diagnostics;

namespace CloudMart.Cluster.Tests.Support;

/// <summary>
/// <c>kubectl port-forward -n production svc/gateway PORT:80</c>, as the guide has the learner
/// run it, on a free port of 127.0.0.1; stopped when disposed.
/// </summary>
public sealed class PortForward : IDisposable
{
    readonly Process _process;
    readonly List<string> _output = [];

    PortForward(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}/");

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    public static async Task<PortForward> StartAsync(string target = "svc/gateway", int remotePort = 80, string @namespace = ServiceCatalog.Namespace)
    {
        var port = LoopbackServer.FreePort();
        var start = new ProcessStartInfo("kubectl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--kubeconfig", RealCluster.Kubeconfig, "port-forward", "-n", @namespace, "--address", "127.0.0.1", target, $"{port}:{remotePort}" })
        {
            start.ArgumentList.Add(arg);
        }
        var forward = new PortForward(Process.Start(start)!, port);
        forward._process.OutputDataReceived += (_, e) => forward.Add(e.Data);
        forward._process.ErrorDataReceived += (_, e) => forward.Add(e.Data);
        forward._process.BeginOutputReadLine();
        forward._process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (!forward.Output.Contains($"Forwarding from 127.0.0.1:{port}", StringComparison.Ordinal))
        {
            if (forward._process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                var output = forward.Output;
                forward.Dispose();
                throw new InvalidOperationException($"kubectl port-forward {target} {port}:{remotePort} did not start: {output}");
            }
            await Task.Delay(100);
        }
        return forward;
    }

    void Add(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.Add(line);
            }
        }
    }

    public void Dispose() => ProcessEnd.KillAndDispose(_process);
}
