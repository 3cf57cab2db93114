using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CloudMart.Testing;

/// <summary>
/// A real Kestrel server on 127.0.0.1 and a port the system picks, with the routes a test maps: the
/// stand-in for a remote system (a webhook, a failing dependency, Tempo, a Kubernetes API server).
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    readonly WebApplication _app;

    LoopbackServer(WebApplication app, Uri url, ConcurrentQueue<ReceivedRequest> received)
    {
        _app = app;
        Url = url;
        Received = received;
    }

    /// <summary>The server's root, always with 127.0.0.1 as the host.</summary>
    public Uri Url { get; }

    /// <summary>What a recording server has received, in order (empty for others).</summary>
    public ConcurrentQueue<ReceivedRequest> Received { get; }

    public static Task<LoopbackServer> StartAsync(Action<WebApplication> map) => StartAsync(map, new());

    /// <summary>
    /// A server that keeps every request it receives and answers the Nth (1-based) with
    /// <paramref name="status"/>(N) and an empty body.
    /// </summary>
    public static Task<LoopbackServer> StartRecordingAsync(Func<int, HttpStatusCode> status)
    {
        var received = new ConcurrentQueue<ReceivedRequest>();
        var count = 0;
        return StartAsync(app => app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            received.Enqueue(new ReceivedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString,
                context.Request.ContentType, body));
            context.Response.StatusCode = (int)status(Interlocked.Increment(ref count));
        }), received);
    }

    static async Task<LoopbackServer> StartAsync(Action<WebApplication> map, ConcurrentQueue<ReceivedRequest> received)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LoopbackServer(app, new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal)), received);
    }

    /// <summary>A TCP port on 127.0.0.1 that nothing listens on at the moment of asking.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}

/// <summary>One request a recording <see cref="LoopbackServer"/> received.</summary>
public sealed record ReceivedRequest(string Method, string PathAndQuery, string? ContentType, string Body);
