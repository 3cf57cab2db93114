using System.Diagnostics;
using System.Net;
using System.Text.Json;
using CloudMart.ServiceDefaults;

namespace CloudMart.Lab;

/// <summary>What a local run needs: where things are, which ports, which build, which nginx.</summary>
public sealed record LocalRunOptions
{
    public required LabLayout Layout { get; init; }

    public LabPorts Ports { get; init; } = LabPorts.Default;

    public required ServiceBinaries Binaries { get; init; }

    public required string NginxPath { get; init; }

    /// <summary>How long every component together may take to answer /health.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Whether to send a few requests that change nothing once every component is healthy (see
    /// <see cref="LocalRun.WarmUpAsync"/>), so the first real order is not the one that pays for
    /// compiling the code paths.
    /// </summary>
    public bool WarmUp { get; init; } = true;

    /// <summary>How long a component gets after SIGTERM before it is killed.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Changes to a service's healthy variables, by service name; a null value removes the
    /// variable. For tests and for running the system with a fault put in on purpose.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string?>> VariableOverrides { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, string?>>();
}

/// <summary>Why a local run could not start.</summary>
public enum LabFailure
{
    /// <summary>A component's port is taken by another program.</summary>
    PortInUse,
    /// <summary>A service's build output (or published binary) is not there.</summary>
    BinaryMissing,
    /// <summary>Another cloudmart process runs the system from the same state folder.</summary>
    AlreadyRunning,
    /// <summary>The gateway's nginx.conf cannot be rendered for a local run.</summary>
    GatewayConfig,
    /// <summary>A component exited while starting.</summary>
    ExitedAtStart,
    /// <summary>A component did not answer /health in time.</summary>
    NotHealthyInTime,
}

public sealed class LabStartException(LabFailure failure, string message, string? component = null, string? logTail = null)
    : Exception(message)
{
    public LabFailure Failure { get; } = failure;

    public string? Component { get; } = component;

    /// <summary>The last lines of the failing component's log, when there is one.</summary>
    public string? LogTail { get; } = logTail;
}

/// <summary>Something that happened while starting or stopping, for a caller to show.</summary>
public abstract record LabEvent(string Component);

/// <summary>A process left by an earlier run that crashed was stopped.</summary>
public sealed record LeftoverStopped(string Component, int Pid) : LabEvent(Component);

public sealed record ComponentStarted(string Component, int Pid, LaunchCommand Command) : LabEvent(Component);

public sealed record ComponentHealthy(string Component, TimeSpan AfterStart) : LabEvent(Component);

/// <summary>The warm-up requests were sent; <paramref name="Failed"/> lists any that did not succeed.</summary>
public sealed record SystemWarmedUp(TimeSpan Took, IReadOnlyList<string> Failed) : LabEvent("all");

public sealed record ComponentStopped(string Component, int Pid, bool Killed, int? ExitCode) : LabEvent(Component);

/// <summary>One running component.</summary>
public sealed record RunningComponent(ServiceSpec Spec, Uri Url, ChildProcess Process)
{
    public string Name => Spec.Name;

    public int Pid => Process.Pid;

    public string LogFile => Process.LogFile;
}

/// <summary>
/// Starts CloudMart on this machine the way <c>cloudmart up</c> does: the five services as
/// processes with their healthy configuration, and nginx with the gateway's nginx.conf rendered
/// for local ports; then waits until each answers /health. Whatever goes wrong, nothing it
/// started is left running.
/// </summary>
public static class LocalRun
{
    static readonly HttpClient Http = new(new SocketsHttpHandler
    {
        UseProxy = false,
        PooledConnectionLifetime = TimeSpan.FromSeconds(30),
        ConnectTimeout = TimeSpan.FromSeconds(1),
    })
    { Timeout = TimeSpan.FromSeconds(2) };

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

        foreach (var service in ServiceCatalog.Services)
        {
            if (options.Binaries.Missing(service, layout) is { } missing)
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
            var port = ports.For(component);
            if (!PortCheck.IsFree(port))
            {
                var holder = PortCheck.Holder(port) is { } who ? $" (held by {who})" : "";
                throw new LabStartException(LabFailure.PortInUse,
                    $"port {port}, which {component.Name} needs, is already in use{holder}", component.Name);
            }
        }

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
        var signingKey = layout.EnsureSigningKey();

        var started = new List<RunningComponent>();
        var lab = new RunningLab(layout, ports, started, options.StopGrace);
        try
        {
            var removed = LocalEnvironment.AllCatalogVariables.Except(LocalEnvironment.InheritedVariables)
                .Concat(Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(k => k.StartsWith("ASPNETCORE_", StringComparison.Ordinal)))
                .Append("DOTNET_ENVIRONMENT")
                .ToArray();
            foreach (var service in ServiceCatalog.Services)
            {
                var variables = LocalEnvironment.For(service, ports, layout, signingKey);
                if (options.VariableOverrides.TryGetValue(service.Name, out var overrides))
                {
                    foreach (var (name, value) in overrides)
                    {
                        if (value is null)
                        {
                            variables.Remove(name);
                        }
                        else
                        {
                            variables[name] = value;
                        }
                    }
                }
                var command = options.Binaries.For(service, layout);
                var process = ChildProcess.Start(service.Name, command, variables, removed, layout.LogFile(service.Name), layout.StateDirectory);
                started.Add(new RunningComponent(service, ports.Url(service), process));
                events?.Invoke(new ComponentStarted(service.Name, process.Pid, command));
            }

            var gateway = ServiceCatalog.Gateway;
            var nginxCommand = new LaunchCommand(options.NginxPath,
                NginxSetup.RunArguments(layout.NginxDirectory, NginxSetup.VersionOf(options.NginxPath)));
            var nginx = ChildProcess.Start(gateway.Name, nginxCommand, new Dictionary<string, string>(), [], layout.LogFile(gateway.Name), layout.StateDirectory);
            started.Insert(0, new RunningComponent(gateway, ports.Url(gateway), nginx));
            events?.Invoke(new ComponentStarted(gateway.Name, nginx.Pid, nginxCommand));
            lab.WriteRecord();

            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(options.StartTimeout);
            await Task.WhenAll(started.Select(c => WaitHealthyAsync(c, events, options.StartTimeout, deadline.Token, cancellationToken)));
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

    static async Task WaitHealthyAsync(RunningComponent component, Action<LabEvent>? events, TimeSpan timeout,
        CancellationToken deadline, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var health = new Uri(component.Url, "/health");
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (component.Process.HasExited)
            {
                throw new LabStartException(LabFailure.ExitedAtStart,
                    $"{component.Name} exited with code {component.Process.ExitCode} while starting; its log is {component.LogFile}",
                    component.Name, component.Process.LogTail());
            }
            if (deadline.IsCancellationRequested)
            {
                throw new LabStartException(LabFailure.NotHealthyInTime,
                    $"{component.Name} did not answer {health} within {timeout.TotalSeconds:0} s; its log is {component.LogFile}",
                    component.Name, component.Process.LogTail());
            }
            if (await IsHealthyAsync(health, component.Name, deadline))
            {
                events?.Invoke(new ComponentHealthy(component.Name, clock.Elapsed));
                return;
            }
            try
            {
                await Task.WhenAny(component.Process.Exited, Task.Delay(50, deadline));
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    /// <summary>
    /// A fresh .NET process compiles each code path the first time it runs it (JIT), which makes
    /// the first order through a just-started system take a second or more. These requests run
    /// the shared paths (the gateway's upstream connection, each service's HTTP client, JSON and
    /// the database read) and store nothing: a listing through the gateway, a guest validation
    /// and a notifications listing. None of them logs a warning. A failure here does not fail the
    /// start, since every component already answered /health; it is reported.
    /// </summary>
    public static async Task WarmUpAsync(RunningLab lab, Action<LabEvent>? events, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var requests = new (string What, Func<HttpRequestMessage> Request)[]
        {
            ("GET /api/orders through the gateway", () => new HttpRequestMessage(HttpMethod.Get, new Uri(lab.GatewayUrl, "/api/orders?limit=1"))),
            ("POST /auth/validate (guest)", () => new HttpRequestMessage(HttpMethod.Post, new Uri(lab[ServiceCatalog.Auth.Name].Url, "/auth/validate"))
            {
                Content = new StringContent("{\"token\":null}", System.Text.Encoding.UTF8, "application/json"),
            }),
            ("GET /notifications", () => new HttpRequestMessage(HttpMethod.Get, new Uri(lab[ServiceCatalog.Notification.Name].Url, "/notifications"))),
        };
        var failed = new List<string>();
        foreach (var (what, request) in requests)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                using var message = request();
                using var response = await WarmUpHttp.SendAsync(message, timeout.Token);
                if (!response.IsSuccessStatusCode)
                {
                    failed.Add($"{what}: {(int)response.StatusCode}");
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                failed.Add($"{what}: {ex.Message}");
            }
        }
        events?.Invoke(new SystemWarmedUp(clock.Elapsed, failed));
    }

    static readonly HttpClient WarmUpHttp = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromSeconds(30) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>True when <c>GET /health</c> answers 200 with JSON naming <paramref name="service"/> (not some other program on the port).</summary>
    public static async Task<bool> IsHealthyAsync(Uri health, string service, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Http.GetAsync(health, cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return false;
            }
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            return body.RootElement.TryGetProperty("service", out var name) && name.GetString() == service
                && body.RootElement.TryGetProperty("status", out var status) && status.GetString() == "ok";
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// A run.json whose owner is alive means the system already runs from this state folder. One
    /// whose owner died (killed, crashed) may have left components behind: stop them.
    /// </summary>
    static async Task StopLeftoversAsync(LabLayout layout, Action<LabEvent>? events)
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
        while (survivors.Any(s => ProcessInfo.IsAlive(s.Pid, s.StartTicks!.Value)) && until.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(50);
        }
        foreach (var survivor in survivors)
        {
            if (ProcessInfo.IsAlive(survivor.Pid, survivor.StartTicks!.Value))
            {
                ProcessInfo.Signal(survivor.Pid, ProcessInfo.SIGKILL, group: true);
            }
            events?.Invoke(new LeftoverStopped(survivor.Name, survivor.Pid));
        }
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

    internal void WriteRecord() =>
        new RunRecord(Environment.ProcessId, ProcessInfo.StartTicks(Environment.ProcessId), DateTimeOffset.Now,
            _components.Select(c => new RunRecordComponent(c.Name, c.Url.ToString().TrimEnd('/'), c.Pid, c.Process.StartTicks, c.LogFile)).ToList())
            .Write(Layout.RunFile);

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
