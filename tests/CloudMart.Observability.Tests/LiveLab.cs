using CloudMart.Lab;
using CloudMart.Testing;

namespace CloudMart.Observability.Tests;

/// <summary>
/// What every live fixture here holds: a local run, the Prometheus that watches it, a client for
/// the gateway and a scratch state folder. Disposing stops them in that order and removes the folder.
/// </summary>
public abstract class LiveLab : IAsyncLifetime
{
    readonly TempFolder _state = new();

    public RunningLab Lab { get; protected set; } = null!;

    public PrometheusServer Prometheus { get; protected set; } = null!;

    public HttpClient Http { get; } = new(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 64 }) { Timeout = TimeSpan.FromSeconds(60) };

    protected string StateFolder => _state.Path;

    public abstract Task InitializeAsync();

    public async Task DisposeAsync()
    {
        if (Prometheus is not null)
        {
            await Prometheus.DisposeAsync();
        }
        if (Lab is not null)
        {
            await Lab.StopAsync();
        }
        Http.Dispose();
        _state.Dispose();
    }
}
