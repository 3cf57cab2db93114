using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace CloudMart.Observability.Tests;

/// <summary>
/// A real OTLP/HTTP endpoint on a free loopback port (Kestrel): it answers every POST with 200 and
/// keeps each request's body by path (/v1/traces, /v1/metrics, /v1/logs), to show what arrives where.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    readonly WebApplication _app;

    public ConcurrentDictionary<string, ConcurrentQueue<byte[]>> Received { get; } = new();

    public Uri Url { get; private set; } = null!;

    OtlpReceiver(WebApplication app) => _app = app;

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http1));
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            receiver.Received.GetOrAdd(context.Request.Path.Value!, _ => new()).Enqueue(body.ToArray());
            context.Response.ContentType = "application/x-protobuf";
            return Results.Ok();
        });
        await app.StartAsync();
        receiver.Url = new Uri(app.Urls.First());
        return receiver;
    }

    public int Count(string path) => Received.TryGetValue(path, out var bodies) ? bodies.Count : 0;

    public IEnumerable<byte[]> Bodies(string path) => Received.TryGetValue(path, out var bodies) ? bodies : [];

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
