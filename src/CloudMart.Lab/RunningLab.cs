using CloudMart.Catalog;

namespace CloudMart.Lab;

/// <summary>One running component.</summary>
public sealed record RunningComponent(ServiceSpec Spec, Uri Url, ChildProcess Process)
{
    public string Name => Spec.Name;

    public int Pid => Process.Pid;

    public string LogFile => Process.LogFile;
}

/// <summary>The running system. Disposing it stops every component.</summary>
public sealed class RunningLab : IAsyncDisposable
{
    readonly List<RunningComponent> _components;
    readonly TimeSpan _stopGrace;
    readonly SemaphoreSlim _stopping = new(1, 1);
    bool _stopped;

    internal RunningLab(LabLayout layout, LabPorts ports, List<RunningComponent> components, TimeSpan stopGrace)
    {
        Layout = layout;
        Ports = ports;
        _components = components;
        _stopGrace = stopGrace;
    }

    public LabLayout Layout { get; }

    public LabPorts Ports { get; }

    /// <summary>The gateway first, then the five services.</summary>
    public IReadOnlyList<RunningComponent> Components => _components;

    public RunningComponent this[string name] => _components.First(c => c.Name == name);

    public Uri GatewayUrl => this[ServiceCatalog.Gateway.Name].Url;

    /// <summary>Completes with the first component that exits (for a watcher to report it).</summary>
    public async Task<RunningComponent> FirstExitAsync(CancellationToken cancellationToken)
    {
        var exits = _components.ToDictionary(c => c.Process.Exited, c => c);
        var first = await Task.WhenAny(exits.Keys).WaitAsync(cancellationToken);
        return exits[first];
    }

    /// <summary>Records that every component is healthy, for a <c>cloudmart up -d</c> waiting on the run record.</summary>
    public void MarkReady() => WriteRecord(ready: true);

    internal void WriteRecord(bool ready = false) =>
        new RunRecord(Environment.ProcessId, ProcessInfo.StartTicks(Environment.ProcessId), DateTimeOffset.Now,
            _components.Select(c => new RunRecordComponent(c.Name, c.Url.ToString().TrimEnd('/'), c.Pid, c.Process.StartTicks, c.LogFile)).ToList())
            { Ready = ready }.Write(Layout.RunFile);

    /// <summary>Stops every component: SIGTERM to all at once, a kill for any still there after the grace period.</summary>
    public async Task StopAsync(Action<LabEvent>? report = null)
    {
        await _stopping.WaitAsync();
        try
        {
            if (_stopped)
            {
                return;
            }
            var gate = new Lock();
            await Task.WhenAll(_components.Select(async c =>
            {
                var wasRunning = !c.Process.HasExited;
                var clean = await c.Process.StopAsync(_stopGrace);
                if (wasRunning || report is not null)
                {
                    lock (gate)
                    {
                        report?.Invoke(new ComponentStopped(c.Name, c.Pid, !clean, c.Process.ExitCode));
                    }
                }
                c.Process.Dispose();
            }));
            if (RunRecord.Read(Layout.RunFile) is { } record && record.OwnerPid == Environment.ProcessId)
            {
                File.Delete(Layout.RunFile);
            }
            _stopped = true;
        }
        finally
        {
            _stopping.Release();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
