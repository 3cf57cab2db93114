using Microsoft.Extensions.DependencyInjection;
using CloudMart.ServiceDefaults;

namespace CloudMart.Services.Tests;

/// <summary>
/// The whole order chain in memory: api → auth and order, order → database and notification.
/// Every service is the real one, hosted by WebApplicationFactory; each one's named dependency
/// HttpClient is routed to the next service's in-memory server instead of the network.
/// </summary>
public sealed class ServiceChain : IDisposable
{
    /// <summary>The auth-service's signing key, known to the tests so they can make their own tokens.</summary>
    public const string SigningKey = "cloudmart-service-tests-signing-key-0123456789";

    public const int TokenLifetimeMinutes = 30;

    readonly string _dataDir = Directory.CreateTempSubdirectory("cloudmart-chain-").FullName;

    public ServiceChain()
        : this(null)
    {
    }

    /// <param name="orderClock">The order-service's idempotency clock, for tests that move time; null for the system's.</param>
    internal ServiceChain(TimeProvider? orderClock)
    {
        Database = new(new Dictionary<string, string?> { ["DB_NAME"] = "chain-db", ["DATA_DIR"] = _dataDir });
        Notification = new(new Dictionary<string, string?>());
        Auth = new(new Dictionary<string, string?>
        {
            ["JWT_SIGNING_KEY"] = SigningKey,
            ["TOKEN_LIFETIME_MINUTES"] = TokenLifetimeMinutes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        // Start the dependencies before the services that route to them.
        _ = Database.Server;
        _ = Notification.Server;
        _ = Auth.Server;

        Order = new(new Dictionary<string, string?>(), services =>
        {
            services.RouteDependency(ServiceCatalog.Database.Name, Database).RouteDependency(ServiceCatalog.Notification.Name, Notification);
            if (orderClock is not null)
            {
                services.AddKeyedSingleton(CloudMart.ServiceDefaults.Http.IdempotencyKey.Clock, orderClock);
            }
        });
        _ = Order.Server;

        Api = new(new Dictionary<string, string?>(), services => services
            .RouteDependency(ServiceCatalog.Auth.Name, Auth)
            .RouteDependency(ServiceCatalog.Order.Name, Order));
        _ = Api.Server;
    }

    public ServiceFactory<DatabaseService.Program> Database { get; }
    public ServiceFactory<NotificationService.Program> Notification { get; }
    public ServiceFactory<AuthService.Program> Auth { get; }
    public ServiceFactory<OrderService.Program> Order { get; }
    public ServiceFactory<ApiService.Program> Api { get; }

    /// <summary>The ids of the orders the database-service holds, newest first.</summary>
    public async Task<List<string>> StoredOrderIdsAsync()
    {
        var list = await Database.CreateClient().GetFromJsonAsync<JsonElement>("/orders?limit=1000");
        return [.. list.GetProperty("orders").EnumerateArray().Select(o => o.GetProperty("id").GetString()!)];
    }

    /// <summary>The order ids of the notifications the notification-service recorded, newest first.</summary>
    public async Task<List<string>> NotifiedOrderIdsAsync()
    {
        var list = await Notification.CreateClient().GetFromJsonAsync<JsonElement>("/notifications?limit=1000");
        return [.. list.GetProperty("notifications").EnumerateArray().Select(n => n.GetProperty("order").GetProperty("id").GetString()!)];
    }

    public void Dispose()
    {
        Api.Dispose();
        Order.Dispose();
        Auth.Dispose();
        Notification.Dispose();
        Database.Dispose();
        Directory.Delete(_dataDir, recursive: true);
    }
}
