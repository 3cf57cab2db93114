using CloudMart.DatabaseService.Apis;
using CloudMart.DatabaseService.Storage;
using Microsoft.Extensions.Options;

namespace CloudMart.DatabaseService;

static class DatabaseSetup
{
    public static void AddServices(WebApplicationBuilder builder, ServiceSettings settings)
    {
        builder.Services.AddOptions<DatabaseOptions>().Bind(settings.Values).CheckedAgainst(settings.Service);
        builder.Services.AddSingleton(provider => new OrderStore(OrderStore.PathFor(Options(provider))));
        builder.Services.AddSingleton(provider => new ChaosInjector(Options(provider).ChaosFailureRate));
        builder.Services.AddSingleton<WriteCheckpoints>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<WriteCheckpoints>());
        builder.Services.AddHealthChecks().AddCheck<OrderStoreHealthCheck>("sqlite");
    }

    static DatabaseOptions Options(IServiceProvider provider) => provider.GetRequiredService<IOptions<DatabaseOptions>>().Value;

    public static void MapEndpoints(WebApplication app)
    {
        // Open the database before the first request, so a bad DATA_DIR stops the start, not an order.
        var store = app.Services.GetRequiredService<OrderStore>();
        app.Logger.LogInformation("Orders are kept in {Path} ({Count} stored)", store.Path, store.Count());
        var chaos = app.Services.GetRequiredService<ChaosInjector>();
        if (chaos.Rate > 0)
        {
            app.Logger.LogWarning("CHAOS_FAILURE_RATE is {Rate}: about {Percent:0}% of orders will fail to store on purpose, each after {HeldMs:0} ms", chaos.Rate, chaos.Rate * 100, chaos.FailureDelay.TotalMilliseconds);
        }
        app.MapStoreApi();
    }
}

/// <summary>The database-service's own variables (<see cref="ServiceCatalog.Database"/>), checked and defaulted there.</summary>
public sealed class DatabaseOptions
{
    /// <summary>Required: the service refuses to start without it (lab fault 1).</summary>
    public string DbName { get; set; } = "";

    public string DataDir { get; set; } = "";

    /// <summary>The share of stores that fail on purpose (lab fault 8).</summary>
    public double ChaosFailureRate { get; set; }
}
