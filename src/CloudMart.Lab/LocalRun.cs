using System.Diagnostics;
using System.Net;
using System.Text.Json;
using CloudMart.Catalog;

namespace CloudMart.Lab;

/// <summary>
/// Starts CloudMart on this machine the way <c>cloudmart up</c> does: the five services as
/// processes with their healthy configuration, and nginx with the gateway's nginx.conf rendered
/// for local ports; then waits until each answers /health. Whatever goes wrong, nothing it
/// started is left running.
/// </summary>
public static partial class LocalRun
{
    public static async Task<RunningLab> StartAsync(LocalRunOptions options, Action<LabEvent>? report = null, CancellationToken cancellationToken = default)
    {
        var layout = options.Layout;
        var ports = options.Ports;
        var events = Serialized(report);
        if (ports.Problem() is { } portProblem)
        {
            throw new ArgumentException(portProblem, nameof(options));
        }

        await StopLeftoversAsync(layout, events);
        options = options with { Faults = options.Faults.WithShippedValues(layout.Repository) };
        CheckCanStart(options);
        layout.KeepPreviousLogs();
        WriteGatewayConfig(layout, ports);
        var signingKey = layout.EnsureSigningKey();

        var started = new List<RunningComponent>();
        var observers = new List<RunningObserver>();
        var lab = new RunningLab(options, signingKey, started, observers);
        try
        {
            if (options.Observe is { } observe)
            {
                ObserveStack.Start(observe, layout, ports, observers, events);
                lab.WriteRecord();
                await ObserveStack.WaitReadyAsync(observers, options.StartTimeout, events, cancellationToken);
            }
            StartServices(options, signingKey, started, events);
            StartGateway(options, started, events);
            lab.WriteRecord();

            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(options.StartTimeout);
            // A fault that stops a service at start (fault 1) leaves the others to run without it.
            await Task.WhenAll(started.Where(c => !options.Faults.ExitsAtStart(c.Spec)).Select(c => WaitHealthyAsync(c, events, options.StartTimeout, deadline.Token, cancellationToken)));
            if (options.WarmUp)
            {
                await WarmUpAsync(lab, events, cancellationToken);
            }
            return lab;
        }
        catch
        {
            await lab.StopAsync(report);
            throw;
        }
    }

    /// <summary>Fails before anything starts when a build, nginx or a port is missing.</summary>
    static void CheckCanStart(LocalRunOptions options)
    {
        foreach (var service in ServiceCatalog.Services)
        {
            if (options.Binaries.Missing(service, options.Layout) is { } missing)
            {
                throw new LabStartException(LabFailure.BinaryMissing, missing, service.Name);
            }
        }
        if (!File.Exists(options.NginxPath))
        {
            throw new LabStartException(LabFailure.BinaryMissing, $"nginx is not at {options.NginxPath}", ServiceCatalog.Gateway.Name);
        }
        foreach (var component in ServiceCatalog.All)
        {
            PortCheck.EnsureFree(options.Ports.For(component), component.Name);
        }
        if (options.Observe is not null)
        {
            ObserveStack.CheckCanStart(new ObservePorts(options.Ports.Offset));
        }
    }

    /// <summary>Makes the state folders and renders the gateway's nginx.conf for the local ports.</summary>
    static void WriteGatewayConfig(LabLayout layout, LabPorts ports)
    {
        Directory.CreateDirectory(layout.LogsDirectory);
        Directory.CreateDirectory(layout.DataDirectory);
        Directory.CreateDirectory(layout.NginxDirectory);
        string nginxConfig;
        try
        {
            nginxConfig = GatewayConfig.Render(File.ReadAllText(layout.GatewayConfigSource),
                ports.For(ServiceCatalog.Gateway), ports.For(ServiceCatalog.Api), layout.NginxDirectory, GatewayConfig.SiteDirectory(layout));
        }
        catch (GatewayConfigException ex)
        {
            throw new LabStartException(LabFailure.GatewayConfig, $"{layout.GatewayConfigSource}: {ex.Message}", ServiceCatalog.Gateway.Name);
        }
        File.WriteAllText(Path.Combine(layout.NginxDirectory, GatewayConfig.RenderedFileName), nginxConfig);
    }

    static void StartServices(LocalRunOptions options, string signingKey, List<RunningComponent> started, Action<LabEvent>? events)
    {
        foreach (var service in ServiceCatalog.Services)
        {
            var component = StartComponent(options, service, signingKey);
            started.Add(component);
            events?.Invoke(new ComponentStarted(service.Name, component.Pid, component.Command));
        }
    }

    /// <summary>Starts nginx and puts it first in <paramref name="started"/>.</summary>
    static void StartGateway(LocalRunOptions options, List<RunningComponent> started, Action<LabEvent>? events)
    {
        var gateway = StartComponent(options, ServiceCatalog.Gateway, signingKey: "");
        started.Insert(0, gateway);
        events?.Invoke(new ComponentStarted(gateway.Name, gateway.Pid, gateway.Command));
    }

    /// <summary>Starts one component: a service with its healthy variables, or nginx; <paramref name="keepLog"/> appends to its log (a restart).</summary>
    internal static RunningComponent StartComponent(LocalRunOptions options, ServiceSpec component, string signingKey, bool keepLog = false)
    {
        var (layout, ports) = (options.Layout, options.Ports);
        if (component == ServiceCatalog.Gateway)
        {
            var nginxCommand = new LaunchCommand(options.NginxPath,
                NginxSetup.RunArguments(layout.NginxDirectory, NginxSetup.VersionOf(options.NginxPath)));
            var nginx = ChildProcess.Start(component.Name, nginxCommand, new Dictionary<string, string>(), [], layout.LogFile(component.Name), layout.StateDirectory, keepLog);
            return new RunningComponent(component, ports.Url(component), nginx, nginxCommand);
        }
        var variables = LocalEnvironment.For(component, ports, layout, signingKey);
        if (options.Observe is not null)
        {
            LocalEnvironment.Apply(variables, ObserveStack.ServiceVariables(new ObservePorts(ports.Offset)));
        }
        if (options.Faults.VariableOverrides().TryGetValue(component.Name, out var faults))
        {
            LocalEnvironment.Apply(variables, faults);
        }
        if (options.VariableOverrides.TryGetValue(component.Name, out var overrides))
        {
            LocalEnvironment.Apply(variables, overrides);
        }
        var command = options.Binaries.For(component, layout);
        if (options.Faults.MemoryLimitMiB(component) is { } limit)
        {
            command = MemoryLimit.Create(MemoryLimit.GroupName(layout, component), limit).Wrap(command);
        }
        var process = ChildProcess.Start(component.Name, command, variables, LocalEnvironment.RemovedVariables(), layout.LogFile(component.Name), layout.StateDirectory, keepLog);
        return new RunningComponent(component, ports.Url(component), process, command);
    }

    internal static Task WaitHealthyAsync(RunningComponent component, Action<LabEvent>? events, TimeSpan timeout,
        CancellationToken deadline, CancellationToken cancellationToken) =>
        WaitReadyAsync(component.Name, component.Process, HealthProbe.UrlOf(component.Url), (health, token) => HealthProbe.IsHealthyAsync(health, component.Name, token),
            events, timeout, deadline, cancellationToken);

    /// <summary>
    /// Waits until a program just started answers <paramref name="health"/> as <paramref name="answers"/> wants,
    /// or fails naming it, with its log's tail: it exited, or <paramref name="deadline"/> passed.
    /// </summary>
    internal static async Task WaitReadyAsync(string name, ChildProcess process, Uri health, Func<Uri, CancellationToken, Task<bool>> answers,
        Action<LabEvent>? events, TimeSpan timeout, CancellationToken deadline, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new LabStartException(LabFailure.ExitedAtStart,
                    $"{name} exited with code {process.ExitCode} while starting; its log is {process.LogFile}", name, process.LogTail());
            }
            if (deadline.IsCancellationRequested)
            {
                throw new LabStartException(LabFailure.NotHealthyInTime,
                    $"{name} did not answer {health} within {timeout.TotalSeconds:0} s; its log is {process.LogFile}", name, process.LogTail());
            }
            if (await answers(health, deadline))
            {
                events?.Invoke(new ComponentHealthy(name, clock.Elapsed));
                return;
            }
            try
            {
                await Task.WhenAny(process.Exited, Task.Delay(50, deadline));
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>
    /// A run.json whose owner is alive means the system already runs from this state folder. One
    /// whose owner died (killed, crashed) may have left components behind: stop them.
    /// </summary>
    public static async Task StopLeftoversAsync(LabLayout layout, Action<LabEvent>? events)
    {
        if (RunRecord.Read(layout.RunFile) is not { } record)
        {
            return;
        }
        if (record.OwnerPid != Environment.ProcessId && record.OwnerIsAlive)
        {
            throw new LabStartException(LabFailure.AlreadyRunning,
                $"CloudMart is already running from {layout.StateDirectory} (cloudmart pid {record.OwnerPid}, gateway {record.Components.FirstOrDefault()?.Url}); stop it first with Ctrl-C where it runs");
        }
        var survivors = record.Survivors.ToList();
        foreach (var survivor in survivors)
        {
            ProcessInfo.Signal(survivor.Pid, ProcessInfo.SIGTERM, group: true);
        }
        var until = Stopwatch.StartNew();
        while (survivors.Any(s => s.IsAlive) && until.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(50);
        }
        foreach (var survivor in survivors)
        {
            if (survivor.IsAlive)
            {
                ProcessInfo.Signal(survivor.Pid, ProcessInfo.SIGKILL, group: true);
            }
            events?.Invoke(new LeftoverStopped(survivor.Name, survivor.Pid));
        }
        MemoryLimit.RemoveGroups(layout);
        File.Delete(layout.RunFile);
    }

    static Action<LabEvent>? Serialized(Action<LabEvent>? report)
    {
        if (report is null)
        {
            return null;
        }
        var gate = new Lock();
        return e =>
        {
            lock (gate)
            {
                report(e);
            }
        };
    }
}
