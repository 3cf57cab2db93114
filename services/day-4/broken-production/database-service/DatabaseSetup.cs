using CloudMart.DatabaseService.Apis;
using CloudMart.DatabaseService.Storage;

namespace CloudMart.DatabaseService;

static class DatabaseSetup
{
    public static void AddServices(WebApplicationBuilder builder, ServiceSettings settings)
    {
        builder.Services.AddSingleton(_ => new OrderStore(OrderStore.PathFor(settings)));
        builder.Services.AddSingleton(provider => new ChaosInjector(settings.Rate("CHAOS_FAILURE_RATE")));
        builder.Services.AddSingleton<WriteCheckpoints>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<WriteCheckpoints>());
        builder.Services.AddHealthChecks().AddCheck<OrderStoreHealthCheck>("sqlite");
    }

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
