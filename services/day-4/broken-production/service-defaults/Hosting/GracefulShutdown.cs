using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CloudMart.ServiceDefaults.Hosting;

/// <summary>
/// Whether the service is draining: told to stop, still serving, no longer ready. It is the
/// readiness check of <c>/health</c>, so load balancers and Kubernetes stop sending new work
/// while the requests already on their way are answered.
/// </summary>
public sealed class ShutdownState : IHealthCheck
{
    public const string CheckName = "shutdown";

    volatile bool _draining;

    public bool IsDraining => _draining;

    public void BeginDrain() => _draining = true;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_draining ? HealthCheckResult.Unhealthy("draining before shutdown") : HealthCheckResult.Healthy());
}

/// <summary>
/// Replaces the console lifetime of a service process. SIGTERM (what Kubernetes and <c>cloudmart
/// up</c> send) starts the drain: readiness fails at once, the service keeps serving for
/// SHUTDOWN_DRAIN_SECONDS, then stops, giving in-flight requests the host's shutdown timeout.
/// SIGINT, SIGQUIT or a second SIGTERM stop it without waiting: someone at a terminal wants it gone.
/// </summary>
public sealed partial class DrainingLifetime(
    IHostApplicationLifetime lifetime, ShutdownState state, ServiceSettings settings, ILogger<DrainingLifetime> logger)
    : IHostLifetime, IDisposable
{
    readonly List<PosixSignalRegistration> _registrations = [];
    int _terms;

    public Task WaitForStartAsync(CancellationToken cancellationToken)
    {
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnTerm));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, StopNow));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGQUIT, StopNow));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    void OnTerm(PosixSignalContext context)
    {
        context.Cancel = true;
        var drain = settings.ShutdownDrain;
        if (Interlocked.Increment(ref _terms) > 1 || drain <= TimeSpan.Zero)
        {
            lifetime.StopApplication();
            return;
        }
        state.BeginDrain();
        LogDraining(logger, drain.TotalSeconds);
        _ = Task.Delay(drain, lifetime.ApplicationStopping).ContinueWith(
            _ => lifetime.StopApplication(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    void StopNow(PosixSignalContext context)
    {
        context.Cancel = true;
        lifetime.StopApplication();
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information,
        Message = "SIGTERM received: readiness now fails; serving for {DrainSeconds} s more, then stopping")]
    static partial void LogDraining(ILogger logger, double drainSeconds);
}

public static class GracefulShutdownExtensions
{
    /// <summary>Time in-flight requests get once the drain is over and the server stops listening.</summary>
    public static readonly TimeSpan InFlightGrace = TimeSpan.FromSeconds(ServiceCatalog.InFlightGraceSeconds);

    /// <summary>The drain's state and its readiness check; every host has them, so <c>/health</c> always reports it.</summary>
    public static void AddShutdownState(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ShutdownState>();
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(ShutdownState.CheckName,
            static provider => provider.GetRequiredService<ShutdownState>(), HealthStatus.Unhealthy, tags: null));
    }

    /// <summary>For a service process (not an in-memory test host): SIGTERM drains, then stops.</summary>
    public static void UseDrainingLifetime(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IHostLifetime, DrainingLifetime>();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = InFlightGrace);
    }

    /// <summary>
    /// While draining, each response closes its connection, so a proxy's kept-alive connections
    /// end after a complete exchange instead of being cut when the server stops.
    /// </summary>
    public static void UseConnectionCloseWhileDraining(this WebApplication app)
    {
        var state = app.Services.GetRequiredService<ShutdownState>();
        app.Use((context, next) =>
        {
            if (state.IsDraining)
            {
                context.Response.Headers.Connection = "close";
            }
            return next(context);
        });
    }
}
