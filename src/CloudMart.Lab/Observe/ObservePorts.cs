namespace CloudMart.Lab;

/// <summary>
/// The ports of the two programs <c>up --observe</c> adds: the Aspire Dashboard's page, its OTLP/gRPC
/// receiver, and Prometheus. Each program's usual port, moved by the run's port offset, so a second
/// run started with another <c>--port-offset</c> gets a stack of its own.
/// </summary>
public sealed record ObservePorts(int Offset)
{
    public const int DashboardBase = 18888;

    public const int OtlpGrpcBase = 18889;

    public const int PrometheusBase = 9090;

    public int Dashboard => DashboardBase + Offset;

    public int OtlpGrpc => OtlpGrpcBase + Offset;

    public int Prometheus => PrometheusBase + Offset;

    public Uri DashboardUrl => Loopback(Dashboard);

    public Uri OtlpGrpcUrl => Loopback(OtlpGrpc);

    public Uri PrometheusUrl => Loopback(Prometheus);

    /// <summary>Each port with what needs it, for the checks before a start.</summary>
    public IEnumerable<(string Name, int Port)> All =>
    [
        (ObserveStack.DashboardName, Dashboard), (ObserveStack.DashboardName + " OTLP", OtlpGrpc), (ObserveStack.PrometheusName, Prometheus),
    ];

    /// <summary>A reason these ports cannot work (outside 1-65535), or null.</summary>
    public string? Problem() =>
        All.FirstOrDefault(p => p.Port is < 1 or > 65535) is { Name: not null } bad ? $"{bad.Name} would get port {bad.Port}, outside 1-65535" : null;

    /// <summary>Whether every port is free on this machine.</summary>
    public bool AreFree() => All.All(p => PortCheck.IsFree(p.Port));

    static Uri Loopback(int port) => new($"http://127.0.0.1:{port}");
}
