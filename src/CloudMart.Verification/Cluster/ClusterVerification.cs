using k8s;

namespace CloudMart.Verification.Cluster;

/// <summary>
/// The guide's health checklist on a cluster, through the Kubernetes API: pods running and ready,
/// no recent restarts, Services with ready endpoints, orders through the gateway, no error lines in
/// the recent logs, CPU and memory against the limits (when metrics-server runs), and one order's
/// trace in Tempo (when its address is given).
/// </summary>
public sealed partial class ClusterVerification(ClusterVerifyOptions options)
{
    const string Gateway = ServiceNames.Gateway;

    IList<V1Pod> _pods = [];
    LoadReport? _orders;
    NamespaceReader? _reader;

    IKubernetes Client => options.Client;

    NamespaceReader Reader => _reader ??= new NamespaceReader(options.Client, options.ClusterName, options.Namespace);

    string Ns => options.Namespace;

    public string Target => $"namespace {Ns} of {options.ClusterName}";

    public IReadOnlyList<VerifyStep> Steps =>
    [
        new("pods", "Every pod is Running and ready", (_, token) => PodsAsync(token)),
        new("restarts", $"No restart for at least {Minutes(options.StableFor)}", (_, _) => Task.FromResult(Restarts())),
        new("endpoints", "Every Service has ready endpoints", (_, token) => EndpointsAsync(token)),
        new(OrdersCheck.Name, options.Orders.Title, OrdersAsync),
        new("logs", $"No error lines in the last {Minutes(options.LogWindow)} of logs", LogsAsync),
        new("resources", $"CPU under {options.CpuLimitShare:P0} and memory under {options.MemoryLimitShare:P0} of their limits", (_, token) => ResourcesAsync(token)),
        new(TempoTraceCheck.Name, TempoTraceCheck.Title, (progress, token) => options.Orders.TempoUrl is { } tempo
            ? TempoTraceCheck.RunAsync(tempo, OrdersCheck.TraceToFollow(_orders), options.Orders.TempoWait, progress, token)
            : Task.FromResult(CheckResult.Unavailable(TempoTraceCheck.Name, TempoTraceCheck.Title,
                "not available: no --tempo-url given (e.g. kubectl port-forward -n monitoring svc/tempo 3200, then --tempo-url http://localhost:3200)"))),
    ];

    public Task<VerifyReport> RunAsync(Action<CheckResult>? finished = null, CancellationToken cancellationToken = default) =>
        VerifyReport.RunAsync(Target, Steps, finished: finished, cancellationToken: cancellationToken);

    DateTimeOffset Now => options.Clock.GetUtcNow();

    /// <summary>An error talking to the API server that a check reports rather than crashes on.</summary>
    static bool IsAccessFailure(Exception ex) =>
        ex is ClusterAccessException or HttpRequestException or KubernetesException or TaskCanceledException or IOException
            or System.Net.WebSockets.WebSocketException or k8s.Exceptions.KubernetesClientException;

    static string Describe(Exception ex) => ex switch
    {
        ClusterAccessException access => access.Detail,
        TaskCanceledException => "no answer in time",
        _ => ex.Message,
    };

    static DateTimeOffset? Utc(DateTime? value) => value switch
    {
        null => null,
        { Kind: DateTimeKind.Local } local => new DateTimeOffset(local.ToUniversalTime(), TimeSpan.Zero),
        { } other => new DateTimeOffset(DateTime.SpecifyKind(other, DateTimeKind.Utc), TimeSpan.Zero),
    };

    static string Minutes(TimeSpan value) => value.TotalMinutes >= 1 && value.TotalMinutes == Math.Floor(value.TotalMinutes)
        ? $"{value.TotalMinutes:0} min" : $"{value.TotalSeconds:0} s";

    public static string Ago(TimeSpan age)
    {
        if (age < TimeSpan.Zero)
        {
            age = TimeSpan.Zero;
        }
        return age.TotalHours >= 1 ? $"{(int)age.TotalHours} h {age.Minutes} min"
            : age.TotalMinutes >= 1 ? $"{(int)age.TotalMinutes} min {age.Seconds} s"
            : $"{(int)age.TotalSeconds} s";
    }
}
