namespace CloudMart.Lab;

/// <summary>
/// The one place the tools (up, status, verify, load, the benchmark) make an HttpClient. Each
/// caller keeps the client it asks for: one per use, long-lived, so connections are pooled.
/// A proxy from the environment never stands between a tool and this machine.
/// </summary>
public static class ToolHttp
{
    /// <param name="timeout">The whole request's bound; <see cref="Timeout.InfiniteTimeSpan"/> where the caller bounds each request itself.</param>
    /// <param name="connectTimeout">How long a connection attempt may take; unbounded when null.</param>
    /// <param name="maxConnectionsPerServer">How many connections to one host at the most; unbounded when null.</param>
    /// <param name="pooledConnectionLifetime">How long a pooled connection is reused; for ever when null.</param>
    /// <param name="useProxy">Whether the environment's proxy applies: only for a host that is not this machine.</param>
    public static HttpClient Create(TimeSpan timeout, TimeSpan? connectTimeout = null, int? maxConnectionsPerServer = null,
        TimeSpan? pooledConnectionLifetime = null, bool useProxy = false) =>
        new(new SocketsHttpHandler
        {
            UseProxy = useProxy,
            ConnectTimeout = connectTimeout ?? Timeout.InfiniteTimeSpan,
            MaxConnectionsPerServer = maxConnectionsPerServer ?? int.MaxValue,
            PooledConnectionLifetime = pooledConnectionLifetime ?? Timeout.InfiniteTimeSpan,
        })
        { Timeout = timeout };

    /// <summary>For a client that talks to <paramref name="target"/>: the proxy applies unless it is this machine.</summary>
    public static bool ProxyFor(Uri target) => !target.IsLoopback;
}
