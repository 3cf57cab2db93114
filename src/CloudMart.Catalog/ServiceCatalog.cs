namespace CloudMart.Catalog;

/// <summary>How a variable's value is checked when a service starts.</summary>
public enum VariableKind
{
    Text,
    Port,
    HttpUrl,
    Rate,
    Boolean,
    PositiveInteger,
    IpAddress,
}

/// <summary>
/// One environment variable a service reads. <see cref="TargetService"/> is set on the
/// variables that hold another service's address, so tools can check them against the
/// Services of a namespace.
/// </summary>
public sealed record VariableSpec(
    string Name,
    VariableKind Kind,
    bool Required,
    string? Default,
    string Expected,
    string? TargetService = null,
    string? Pattern = null);

/// <summary>
/// The facts about one CloudMart component: its name (also its Kubernetes Service, Deployment,
/// image and <c>app</c> label), the port it listens on in a container, the port the local run
/// gives it, the variables it reads, the memory it needs under load, and the CPU it needs to keep
/// up with the lab's customers (<see cref="CpuNeedMillicores"/>, 0 where no need is declared). Its
/// Service exposes <see cref="ServicePort"/>, which is the container port unless said otherwise.
/// </summary>
public sealed record ServiceSpec(
    string Name,
    int ContainerPort,
    int LocalPort,
    IReadOnlyList<VariableSpec> Variables,
    int MemoryNeedMiB,
    int CpuNeedMillicores = 0)
{
    public IEnumerable<VariableSpec> DependencyVariables => Variables.Where(v => v.TargetService is not null);

    public VariableSpec Variable(string name) =>
        Variables.FirstOrDefault(v => v.Name == name)
        ?? throw new ArgumentException($"{Name} has no variable {name}", nameof(name));

    public string Image => $"{Name}:latest";

    readonly int? _servicePort;

    /// <summary>The port its Service exposes (and forwards to <see cref="ContainerPort"/>).</summary>
    public int ServicePort
    {
        get => _servicePort ?? ContainerPort;
        init => _servicePort = value;
    }

    /// <summary>The address other pods reach it at: its Service name and port.</summary>
    public string ClusterUrl => $"http://{Name}:{ServicePort}";
}

/// <summary>
/// The components' names as constants, for the places that need a compile-time value: the keys of
/// the services' dependency clients (<c>[FromKeyedServices(ServiceNames.Auth)]</c>) and the catalog itself.
/// </summary>
public static class ServiceNames
{
    public const string Gateway = "gateway";
    public const string Api = "api-service";
    public const string Auth = "auth-service";
    public const string Order = "order-service";
    public const string Database = "database-service";
    public const string Notification = "notification-service";
}

/// <summary>
/// The one place that says what each CloudMart component is. Services validate their start
/// against it; the local runner, the manifest tests and <c>cloudmart diagnose</c> read it too.
/// </summary>
public static class ServiceCatalog
{
    public const string Namespace = "production";

    /// <summary>The database name the healthy system uses: the fix of lab fault 1, and what a local run sets.</summary>
    public const string DatabaseName = "cloudmart-db";

    /// <summary>The OpenTelemetry variables every program of ours reads.</summary>
    public static readonly VariableSpec[] Telemetry =
    [
        new("OTEL_SERVICE_NAME", VariableKind.Text, Required: false, null, "the service name to report in telemetry"),
        new("OTEL_EXPORTER_OTLP_ENDPOINT", VariableKind.HttpUrl, Required: false, null,
            "an http:// URL of an OTLP receiver for traces only, such as http://tempo.monitoring.svc.cluster.local:4317"),
        new("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", VariableKind.HttpUrl, Required: false, null,
            "the full http:// URL to push traces to (with OTLP/HTTP, ending in /v1/traces); takes precedence over OTEL_EXPORTER_OTLP_ENDPOINT"),
        new("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", VariableKind.HttpUrl, Required: false, null,
            "the full http:// URL to push metrics to, besides /metrics (with OTLP/HTTP, ending in /v1/metrics)"),
        new("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", VariableKind.HttpUrl, Required: false, null,
            "the full http:// URL to push logs to, besides stdout (with OTLP/HTTP, ending in /v1/logs)"),
        new("OTEL_EXPORTER_OTLP_PROTOCOL", VariableKind.Text, Required: false, "grpc",
            "grpc or http/protobuf", Pattern: "^(grpc|http/protobuf)$"),
        new("OTEL_SDK_DISABLED", VariableKind.Boolean, Required: false, "false",
            "true or false; true turns tracing and metrics off (the benchmark compares both)"),
    ];

    /// <summary>
    /// How long, after the drain, a stopping service gives the requests still in flight before it
    /// exits (the host's shutdown timeout). A pod's termination grace period must cover the drain plus this.
    /// </summary>
    public const int InFlightGraceSeconds = 5;

    /// <summary>
    /// Where a service listens and how it stops. The drain bound keeps the drain, plus the time
    /// in-flight requests get to finish, inside Kubernetes' default 30 s grace period.
    /// </summary>
    public static readonly VariableSpec[] Hosting =
    [
        new("LISTEN_ADDRESS", VariableKind.IpAddress, Required: false, null,
            "an IP address to listen on, such as 127.0.0.1 (every interface when unset)"),
        new("SHUTDOWN_DRAIN_SECONDS", VariableKind.Text, Required: false, "10",
            "a whole number of seconds from 0 to 20: how long the service keeps serving, unready, after SIGTERM",
            Pattern: "^([0-9]|1[0-9]|20)$"),
    ];

    // Each spec is declared after the services it calls, so that their ports are known here.
    // nginx runs as a non-root user, so it listens on an unprivileged port: a pod needs no sysctl
    // (net.ipv4.ip_unprivileged_port_start is unsafe to kubelets before 1.22, which refuse the pod).
    // Its Service keeps the web's port 80, as the guide's `port-forward svc/gateway 8080:80` expects.
    public static readonly ServiceSpec Gateway = new(ServiceNames.Gateway, 8080, 8080, [], MemoryNeedMiB: 16, CpuNeedMillicores: CpuNeedMillicores / 2) { ServicePort = 80 };

    public static readonly ServiceSpec Auth = Service(ServiceNames.Auth, 3000, 3001, memoryNeedMiB: 80,
        new("JWT_SIGNING_KEY", VariableKind.Text, Required: false, null,
            "a secret of at least 32 characters used to sign tokens (a random key is made when it is unset)",
            Pattern: "^.{32,}$"),
        new("TOKEN_LIFETIME_MINUTES", VariableKind.PositiveInteger, Required: false, "60", "a whole number of minutes greater than 0"),
        new("ALLOW_GUEST_CHECKOUT", VariableKind.Boolean, Required: false, "true", "true or false"));

    public static readonly ServiceSpec Database = Service(ServiceNames.Database, 8080, 3003, memoryNeedMiB: 64,
        new("DB_NAME", VariableKind.Text, Required: true, null,
            $"a database name of letters, digits, '.', '_' or '-', such as {DatabaseName}",
            Pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"),
        new("DATA_DIR", VariableKind.Text, Required: false, "data", "a writable directory for the database file"),
        new("CHAOS_FAILURE_RATE", VariableKind.Rate, Required: false, "0", "a number from 0 to 1, such as 0 or 0.25"));

    public static readonly ServiceSpec Notification = Service(ServiceNames.Notification, 3000, 3004, memoryNeedMiB: 64,
        new VariableSpec("WEBHOOK_URL", VariableKind.HttpUrl, Required: false, null, "an http:// or https:// URL to forward notifications to"));

    public static readonly ServiceSpec Order = Service(ServiceNames.Order, 3000, 3002, memoryNeedMiB: 64,
        DependencyUrl("DATABASE_URL", Database),
        DependencyUrl("NOTIFICATION_URL", Notification));

    public static readonly ServiceSpec Api = Service(ServiceNames.Api, 3000, 3000, memoryNeedMiB: 64,
        DependencyUrl("AUTH_SERVICE_URL", Auth),
        DependencyUrl("ORDER_SERVICE_URL", Order));

    /// <summary>
    /// The CPU a C# service needs to keep up with the lab's customers (the traffic source's default
    /// rate), in millicores: the request the solution gives each (the nginx gateway half of it). A
    /// limit below it throttles the service until requests queue. An estimate by mechanism, not a
    /// measurement like the memory needs.
    /// </summary>
    public const int CpuNeedMillicores = 50;

    /// <summary>The five C# services, in the order a request meets them.</summary>
    public static IReadOnlyList<ServiceSpec> Services { get; } = [Api, Auth, Order, Database, Notification];

    /// <summary>Every component, the nginx gateway first.</summary>
    public static IReadOnlyList<ServiceSpec> All { get; } = [Gateway, .. Services];

    public static ServiceSpec Find(string name) =>
        All.FirstOrDefault(s => s.Name == name) ?? throw new ArgumentException($"no CloudMart service is called {name}", nameof(name));

    /// <summary>A C# service: PORT (defaulting to its container port) first, its own variables, then the hosting and telemetry ones.</summary>
    static ServiceSpec Service(string name, int containerPort, int localPort, int memoryNeedMiB, params VariableSpec[] variables) =>
        new(name, containerPort, localPort, [Port(containerPort), .. variables, .. Hosting, .. Telemetry], memoryNeedMiB, CpuNeedMillicores);

    static VariableSpec Port(int port) =>
        new("PORT", VariableKind.Port, Required: false, port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "a TCP port number from 1 to 65535");

    static VariableSpec DependencyUrl(string name, ServiceSpec target) =>
        new(name, VariableKind.HttpUrl, Required: false, target.ClusterUrl,
            $"an http:// URL of the {target.Name} ({target.ClusterUrl} in the cluster)", TargetService: target.Name);
}
