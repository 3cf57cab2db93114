using System.Collections.Concurrent;
using System.Net;
using CloudMart.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CloudMart.Services.Tests;

/// <summary>
/// A loopback server answering every request with a fixed status and keeping what it received.
/// Stands in for a webhook or a failing dependency.
/// </summary>
public sealed class LocalHttpServer : IAsyncDisposable
{
    readonly LoopbackServer _server;

    LocalHttpServer(LoopbackServer server, ConcurrentQueue<ReceivedRequest> received)
    {
        _server = server;
        Received = received;
    }

    public Uri BaseUrl => _server.Url;

    public ConcurrentQueue<ReceivedRequest> Received { get; }

    public static async Task<LocalHttpServer> StartAsync(HttpStatusCode status)
    {
        var received = new ConcurrentQueue<ReceivedRequest>();
        var server = await LoopbackServer.StartAsync(app => app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            received.Enqueue(new ReceivedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString,
                context.Request.ContentType, body));
            context.Response.StatusCode = (int)status;
        }));
        return new LocalHttpServer(server, received);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

public sealed record ReceivedRequest(string Method, string PathAndQuery, string? ContentType, string Body);

/// <summary>A clock stopped at a chosen instant, for tokens made in the past.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>Keeps the log entries a hosted service writes, so a test can read what it logged.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    public ConcurrentQueue<CapturedLog> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue(new CapturedLog(logLevel, category, formatter(state, exception)));
    }
}

public sealed record CapturedLog(LogLevel Level, string Category, string Message);
