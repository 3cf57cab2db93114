using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CloudMart.TestSupport;

/// <summary>
/// A real Kestrel server on 127.0.0.1 and a port the system picks, answering with the routes the
/// test maps: the stand-in for a dependency, a webhook, a gateway or any remote system a test needs.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    readonly WebApplication _app;

    LoopbackServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Url { get; }

    public static async Task<LoopbackServer> StartAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new LoopbackServer(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(StopTimeout);
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
