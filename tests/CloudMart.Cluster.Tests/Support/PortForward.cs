using System.Diagnostics;

namespace CloudMart.Cluster.Tests.Support;

/// <summary>
/// <c>kubectl port-forward -n production svc/gateway PORT:80</c>, as the guide has the learner
/// run it, on a free port of 127.0.0.1; stopped when disposed.
/// </summary>
public sealed class PortForward : IDisposable
{
    readonly KubectlFollow _kubectl;

    PortForward(KubectlFollow kubectl, int port)
    {
        _kubectl = kubectl;
        Port = port;
    }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}/");

    public string Output => _kubectl.Output;

    public static async Task<PortForward> StartAsync(string target = "svc/gateway", int remotePort = 80, string @namespace = ServiceCatalog.Namespace)
    {
        var port = LoopbackServer.FreePort();
        var forward = new PortForward(KubectlFollow.Start("port-forward", "-n", @namespace, "--address", "127.0.0.1", target, $"{port}:{remotePort}"), port);
        var clock = Stopwatch.StartNew();
        while (!forward.Output.Contains($"Forwarding from 127.0.0.1:{port}", StringComparison.Ordinal))
        {
            if (forward._kubectl.HasExited || clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                var output = forward.Output;
                forward.Dispose();
                throw new InvalidOperationException($"kubectl port-forward {target} {port}:{remotePort} did not start: {output}");
            }
            await Task.Delay(100);
        }
        return forward;
    }

    public void Dispose() => _kubectl.Dispose();
}
