using CloudMart.Catalog;

namespace CloudMart.Lab;

/// <summary>One program <c>up --observe</c> runs beside the system; <paramref name="HealthPath"/> answers 200 when it is ready.</summary>
public sealed record RunningObserver(string Name, Uri Url, string HealthPath, ChildProcess Process, LaunchCommand Command)
{
    public int Pid => Process.Pid;

    public string LogFile => Process.LogFile;
}

/// <summary>
/// Starts the Aspire Dashboard and Prometheus for a local run, before the services, so the first
/// span and the first scrape already have somewhere to go. Both listen on loopback only.
/// </summary>
public static class ObserveStack
{
    public const string DashboardName = "aspire-dashboard";

    public const string PrometheusName = "prometheus";

    /// <summary>
    /// The variables that aim a service's OTLP exporters at the dashboard: traces, logs and
    /// metrics over gRPC. They replace any the caller's environment set.
    /// </summary>
    public static Dictionary<string, string?> ServiceVariables(ObservePorts ports)
    {
        var otlp = ports.OtlpGrpcUrl.ToString().TrimEnd('/');
        return new()
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp,
            ["OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"] = otlp,
            ["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"] = otlp,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc",
            ["OTEL_SDK_DISABLED"] = null,
        };
    }

    /// <summary>Fails before anything starts when one of the stack's ports is taken.</summary>
    public static void CheckCanStart(ObservePorts ports)
    {
        if (ports.Problem() is { } problem)
        {
            throw new LabStartException(LabFailure.PortInUse, problem);
        }
        foreach (var (name, port) in ports.All)
        {
            PortCheck.EnsureFree(port, name);
        }
    }

    /// <summary>Starts both programs; <paramref name="started"/> gets each as soon as it runs, for the caller to stop on a failure.</summary>
    public static void Start(ObserveSetup setup, LabLayout layout, LabPorts labPorts, List<RunningObserver> started, Action<LabEvent>? events)
    {
        var ports = new ObservePorts(labPorts.Offset);
        started.Add(StartDashboard(setup, layout, ports));
        started.Add(StartPrometheus(setup, layout, labPorts, ports));
        foreach (var observer in started)
        {
            events?.Invoke(new ComponentStarted(observer.Name, observer.Pid, observer.Command));
        }
    }

    static RunningObserver StartDashboard(ObserveSetup setup, LabLayout layout, ObservePorts ports)
    {
        var variables = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = ports.DashboardUrl.ToString().TrimEnd('/'),
            ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = ports.OtlpGrpcUrl.ToString().TrimEnd('/'),
            // Loopback only, so no sign-in page between the learner and their traces.
            ["ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS"] = "true",
            ["DOTNET_ENVIRONMENT"] = "Production",
        };
        var command = new LaunchCommand(setup.DashboardPath, []);
        var process = ChildProcess.Start(DashboardName, command, variables, RemovedFromDashboard(),
            layout.LogFile(DashboardName), Path.GetDirectoryName(setup.DashboardPath)!);
        return new RunningObserver(DashboardName, ports.DashboardUrl, HealthProbe.Path, process, command);
    }

    /// <summary>What the caller's environment must not hand the dashboard: its own OTLP variables would make it report to itself.</summary>
    static string[] RemovedFromDashboard() =>
        [.. LocalEnvironment.InheritedVariables, .. Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("ASPNETCORE_", StringComparison.Ordinal) || k.StartsWith("ASPIRE_", StringComparison.Ordinal) || k.StartsWith("DOTNET_DASHBOARD_", StringComparison.Ordinal))];

    static RunningObserver StartPrometheus(ObserveSetup setup, LabLayout layout, LabPorts labPorts, ObservePorts ports)
    {
        var folder = Path.Combine(layout.StateDirectory, PrometheusName);
        Directory.CreateDirectory(folder);
        var targets = ServiceCatalog.Services.ToDictionary(s => s.Name, labPorts.Url);
        var configFile = Path.Combine(folder, "prometheus.yml");
        File.WriteAllText(configFile, PrometheusConfig.Render(targets, setup.RuleFiles, setup.Interval));
        var command = new LaunchCommand(setup.PrometheusPath, PrometheusConfig.Arguments(configFile, Path.Combine(folder, "data"), ports.Prometheus));
        var process = ChildProcess.Start(PrometheusName, command, new Dictionary<string, string>(), [], layout.LogFile(PrometheusName), folder);
        return new RunningObserver(PrometheusName, ports.PrometheusUrl, "/-/ready", process, command);
    }

    /// <summary>Waits until each program answers its health path with 200, or fails naming the one that did not.</summary>
    public static async Task WaitReadyAsync(IEnumerable<RunningObserver> observers, TimeSpan timeout, Action<LabEvent>? events, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        await Task.WhenAll(observers.Select(observer => LocalRun.WaitReadyAsync(observer.Name, observer.Process, new Uri(observer.Url, observer.HealthPath),
            AnswersAsync, events, timeout, deadline.Token, cancellationToken)));
    }

    /// <summary>They are not ours: 200 from their ready path is all the health they report (see <see cref="HealthProbe"/>).</summary>
    static async Task<bool> AnswersAsync(Uri health, CancellationToken cancellationToken) =>
        (await HealthProbe.ProbeAsync(health, component: null, cancellationToken: cancellationToken)).Healthy;
}
