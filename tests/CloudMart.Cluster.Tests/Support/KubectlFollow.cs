using System.Diagnostics;

namespace CloudMart.Cluster.Tests.Support;

/// <summary>
/// A kubectl that runs in the background (<c>kubectl logs -f POD</c>, which ends when the container
/// does; <c>kubectl port-forward</c>), with each line it printed and when that line came; killed when disposed.
/// </summary>
public sealed class KubectlFollow : IDisposable
{
    readonly Process _process;
    readonly Stopwatch _clock = Stopwatch.StartNew();
    readonly List<(TimeSpan At, string Text)> _lines = [];

    KubectlFollow(Process process) => _process = process;

    public static KubectlFollow Start(params string[] args)
    {
        var start = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--kubeconfig", RealCluster.Kubeconfig }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }
        var follow = new KubectlFollow(Process.Start(start)!);
        follow._process.OutputDataReceived += (_, e) => follow.Add(e.Data);
        follow._process.ErrorDataReceived += (_, e) => follow.Add(e.Data);
        follow._process.BeginOutputReadLine();
        follow._process.BeginErrorReadLine();
        return follow;
    }

    /// <summary>Each line so far, with the time since the start at which it came.</summary>
    public IReadOnlyList<(TimeSpan At, string Text)> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public string Output => string.Join('\n', Lines.Select(l => l.Text));

    public bool HasExited => _process.HasExited;

    /// <summary>Since the start, when the process ended; null while it runs.</summary>
    public TimeSpan? EndedAt { get; private set; }

    /// <summary>Whether it ended by itself within <paramref name="limit"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            EndedAt ??= _clock.Elapsed;
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    void Add(string? line)
    {
        if (line is not null)
        {
            lock (_lines)
            {
                _lines.Add((_clock.Elapsed, line));
            }
        }
    }

    public void Dispose() => ProcessEnd.KillAndDispose(_process);
}
