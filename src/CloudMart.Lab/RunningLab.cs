using CloudMart.Catalog;

namespace CloudMart.Lab;

/// <summary>One running component.</summary>
public sealed record RunningComponent(ServiceSpec Spec, Uri Url, ChildProcess Process, LaunchCommand Command)
{
    public string Name => Spec.Name;

    public int Pid => Process.Pid;

    public string LogFile => Process.LogFile;
}

/// <summary>The running system. Disposing it stops every component.</summary>
public sealed class RunningLab : IAsyncDisposable
{
    readonly List<RunningComponent> _components;
    readonly LocalRunOptions _options;
    readonly string _signingKey;
    readonly TimeSpan _stopGrace;
    readonly SemaphoreSlim _stopping = new(1, 1);
    bool _stopped;
    volatile string? _restarting;

    readonly List<RunningObserver> _observers;

    internal RunningLab(LocalRunOptions options, string signingKey, List<RunningComponent> components, List<RunningObserver> observers)
    {
        _observers = observers;
        Layout = options.Layout;
        Ports = options.Ports;
        _options = options;
        _signingKey = signingKey;
        _components = components;
        _stopGrace = options.StopGrace;
    }

    public LabLayout Layout { get; }

    public LabPorts Ports { get; }

    /// <summary>The gateway first, then the five services.</summary>
    public IReadOnlyList<RunningComponent> Components
    {
        get
        {
            // A copy: a restart swaps an entry while a watcher may be looking.
            lock (_components)
            {
                return [.. _components];
            }
        }
    }

    /// <summary>The Aspire Dashboard and Prometheus of <c>up --observe</c>; empty without it.</summary>
    public IReadOnlyList<RunningObserver> Observers => _observers;

    public RunningComponent this[string name] => Components.First(c => c.Name == name);

    public Uri GatewayUrl => this[ServiceCatalog.Gateway.Name].Url;

    /// <summary>
    /// Stops one component and starts it again as it was started (its log goes on), then waits
    /// until it answers /health. The run record names the new process once it does.
    /// </summary>
    public async Task<RunningComponent> RestartAsync(string name, CancellationToken cancellationToken)
    {
        await _stopping.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_stopped, this);
            var index = _components.FindIndex(c => c.Name == name);
            var old = _components[index];
            _restarting = name;
            await old.Process.StopAsync(_stopGrace);
            old.Process.Dispose();
            var fresh = LocalRun.StartComponent(_options, old.Spec, _signingKey, keepLog: true);
            lock (_components)
            {
                _components[index] = fresh;
            }
            WriteRecord();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(_options.StartTimeout);
            await LocalRun.WaitHealthyAsync(fresh, null, _options.StartTimeout, deadline.Token, cancellationToken);
            WriteRecord(ready: true);
            return fresh;
        }
        finally
        {
            _restarting = null;
            _stopping.Release();
        }
    }

    /// <summary>Whether <paramref name="name"/> is being restarted: its old process's exit is expected.</summary>
    public bool IsRestarting(string name) => _restarting == name;

    /// <summary>Records that every component is healthy, for a <c>cloudmart up -d</c> waiting on the run record.</summary>
    public void MarkReady() => WriteRecord(ready: true);

    internal void WriteRecord(bool ready = false) =>
        new RunRecord(Environment.ProcessId, ProcessInfo.StartTicks(Environment.ProcessId), DateTimeOffset.Now,
            Components.Select(c => new RunRecordComponent(c.Name, c.Url.ToString().TrimEnd('/'), c.Pid, c.Process.StartTicks, c.LogFile)).ToList())
        {
            Ready = ready,
            Observers = [.. _observers.Select(o => new RunRecordComponent(o.Name, o.Url.ToString().TrimEnd('/'), o.Pid, o.Process.StartTicks, o.LogFile) { HealthPath = o.HealthPath })],
        }.Write(Layout.RunFile);

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
            var everything = Components.Select(c => (c.Name, c.Process)).Concat(_observers.Select(o => (o.Name, o.Process)));
            await Task.WhenAll(everything.Select(async c =>
            {
                var wasRunning = !c.Process.HasExited;
                var clean = await c.Process.StopAsync(_stopGrace);
                if (wasRunning || report is not null)
                {
                    lock (gate)
                    {
                        report?.Invoke(new ComponentStopped(c.Name, c.Process.Pid, !clean, c.Process.ExitCode));
                    }
                }
                c.Process.Dispose();
            }));
            // The fault-6 memory group outlives its process in the kernel until removed.
            MemoryLimit.RemoveGroups(Layout);
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
