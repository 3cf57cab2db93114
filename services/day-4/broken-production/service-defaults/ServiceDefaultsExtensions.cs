using System.Diagnostics;
using System.Text.Json;
using CloudMart.ServiceDefaults.Contracts;
using CloudMart.ServiceDefaults.Hosting;
using CloudMart.ServiceDefaults.Http;
using CloudMart.ServiceDefaults.Logging;
using CloudMart.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace CloudMart.ServiceDefaults;

public static class ServiceDefaultsExtensions
{
    /// <summary>
    /// Reads and checks the service's variables, then sets up what every service shares:
    /// the listening port, JSON logs, traces and metrics, health checks, problem details and JSON contracts.
    /// </summary>
    public static ServiceSettings AddServiceDefaults(this WebApplicationBuilder builder, ServiceSpec service)
    {
        var settings = ServiceSettings.Load(service, builder.Configuration);
        builder.Services.AddSingleton(settings);
        builder.Services.AddOptions<HostingOptions>().Bind(settings.Values).CheckedAgainst(service);
        builder.Services.AddOptions<TelemetryOptions>().Bind(settings.Values).CheckedAgainst(service);

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            RequestLimits.Apply(kestrel.Limits);
            if (settings.ListenAddress is { } address)
            {
                kestrel.Listen(address, settings.Port);
            }
            else
            {
                kestrel.ListenAnyIP(settings.Port);
            }
        });

        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<ILoggerProvider>(_ => new JsonLogProvider(settings.ServiceName));
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);

        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, CloudMartJson.Default);
            json.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.AddShutdownState();

        builder.AddTelemetry(settings);
        return settings;
    }

    /// <summary>
    /// Adds the shared middleware and endpoints: a <c>traceparent</c> header on every response,
    /// problem+json answers for refused bodies and failed dependency calls (<see cref="ProblemExceptionHandler"/>),
    /// <c>GET /health</c> (readiness: JSON naming the service, 503 while draining before a stop),
    /// <c>GET /alive</c> (liveness: 200 while the process serves) and <c>GET /metrics</c> (Prometheus text).
    /// Mapped always, in every environment, because the probes and Prometheus depend on them.
    /// </summary>
    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        var settings = app.Services.GetRequiredService<ServiceSettings>();
        // Set as the response starts: the exception handler clears the headers of a failed request,
        // and a failed order is the one whose trace a learner wants to find.
        app.Use(static (context, next) =>
        {
            context.Response.OnStarting(static state =>
            {
                var context = (HttpContext)state;
                if (context.Features.Get<IHttpActivityFeature>()?.Activity is { } activity)
                {
                    context.Response.Headers["traceparent"] = activity.Id;
                }
                return Task.CompletedTask;
            }, context);
            return next(context);
        });
        app.UseConnectionCloseWhileDraining();
        app.UseExceptionHandler();
        // Errors raised outside the handlers (a query value that does not bind, such as ?limit=abc,
        // an unknown path, a wrong method) otherwise leave with an empty body; give them problem+json too.
        app.UseStatusCodePages();

        app.MapHealthChecks("/health", new HealthCheckOptions
        {
            ResponseWriter = (context, report) => WriteHealth(context, report, settings.ServiceName),
        });
        // No checks: a draining service is alive, and restarting it would cut the requests it is finishing.
        app.MapHealthChecks("/alive", new HealthCheckOptions
        {
            Predicate = static _ => false,
            ResponseWriter = (context, report) => WriteHealth(context, report, settings.ServiceName),
        });
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }

    static Task WriteHealth(HttpContext context, HealthReport report, string service)
    {
        context.Response.ContentType = "application/json";
        var checks = report.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString().ToLowerInvariant());
        var body = new HealthResponse(report.Status == HealthStatus.Healthy ? "ok" : report.Status.ToString().ToLowerInvariant(), service, checks);
        return JsonSerializer.SerializeAsync(context.Response.Body, body, CloudMartJson.Default.HealthResponse, context.RequestAborted);
    }

    /// <summary>
    /// Registers a <see cref="DependencyClient"/> for another service, keyed by that service's
    /// name, over a pooled HttpClient. The returned builder takes resilience handlers.
    /// </summary>
    public static IHttpClientBuilder AddDependency(this IServiceCollection services, string dependency, Uri baseUrl, TimeSpan? timeout = null)
    {
        services.AddKeyedSingleton(dependency, (provider, _) => new DependencyClient(
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(dependency), dependency, baseUrl,
            provider.GetRequiredService<ILoggerFactory>().CreateLogger($"CloudMart.Dependency.{dependency}")));

        return services.AddHttpClient(dependency, client => client.Timeout = timeout ?? TimeSpan.FromSeconds(10))
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
                ConnectTimeout = TimeSpan.FromSeconds(3),
                UseProxy = false,
                UseCookies = false,
                AllowAutoRedirect = false,
            });
    }
}
