using System.Net.Sockets;
using CloudMart.ServiceDefaults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static CloudMart.Services.Tests.TestHttp;

namespace CloudMart.Services.Tests;

public sealed class OrderServiceTests : IDisposable
{
    readonly string _dataDir = Directory.CreateTempSubdirectory("cloudmart-order-").FullName;
    readonly List<IDisposable> _factories = [];
    readonly Lazy<ServiceFactory<DatabaseService.Program>> _database;
    readonly Lazy<ServiceFactory<NotificationService.Program>> _notification;

    public OrderServiceTests()
    {
        _database = new(() => Own(new ServiceFactory<DatabaseService.Program>(new Dictionary<string, string?> { ["DB_NAME"] = "orders", ["DATA_DIR"] = _dataDir })));
        _notification = new(() => Own(new ServiceFactory<NotificationService.Program>(new Dictionary<string, string?>())));
    }

    ServiceFactory<DatabaseService.Program> Database => _database.Value;
    ServiceFactory<NotificationService.Program> Notification => _notification.Value;

    T Own<T>(T factory) where T : IDisposable
    {
        _factories.Add(factory);
        return factory;
    }

    /// <summary>An order-service whose dependencies are the in-memory database and notification services unless addresses are given.</summary>
    HttpClient StartOrderService(string? databaseUrl = null, string? notificationUrl = null, CapturedLogs? logs = null)
    {
        var variables = new Dictionary<string, string?>();
        if (databaseUrl is not null)
        {
            variables["DATABASE_URL"] = databaseUrl;
        }
        if (notificationUrl is not null)
        {
            variables["NOTIFICATION_URL"] = notificationUrl;
        }
        var factory = Own(new ServiceFactory<OrderService.Program>(variables, services =>
        {
            if (databaseUrl is null)
            {
                services.RouteDependency(ServiceCatalog.Database.Name, Database);
            }
            if (notificationUrl is null)
            {
                services.RouteDependency(ServiceCatalog.Notification.Name, Notification);
            }
            if (logs is not null)
            {
                services.AddSingleton<ILoggerProvider>(logs);
            }
        }));
        return factory.CreateClient();
    }

    async Task<int> StoredCountAsync() =>
        (await Database.CreateClient().GetFromJsonAsync<JsonElement>("/orders?limit=1000")).GetProperty("count").GetInt32();

    [Fact]
    public async Task Creating_an_order_stores_it_notifies_and_answers_created()
    {
        var client = StartOrderService();

        var response = await client.PostAsJsonAsync("/orders", new { item = "laptop", quantity = 2, customer = "alice" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await ReadJsonAsync(response);
        Assert.True(body.GetProperty("success").GetBoolean());
        var order = body.GetProperty("order");
        var id = order.GetProperty("id").GetString()!;
        Assert.StartsWith("ord-", id);
        Assert.Equal("laptop", order.GetProperty("item").GetString());
        Assert.Equal(2, order.GetProperty("quantity").GetInt32());
        Assert.Equal("alice", order.GetProperty("customer").GetString());
        Assert.InRange(order.GetProperty("timestamp").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(1));

        var stored = await Database.CreateClient().GetFromJsonAsync<JsonElement>($"/orders/{id}");
        Assert.Equal("laptop", stored.GetProperty("item").GetString());
        Assert.Equal("alice", stored.GetProperty("customer").GetString());
        var notification = (await Notification.CreateClient().GetFromJsonAsync<JsonElement>("/notifications")).GetProperty("notifications")[0];
        Assert.Equal("order_created", notification.GetProperty("type").GetString());
        Assert.Equal(id, notification.GetProperty("order").GetProperty("id").GetString());
    }

    [Fact]
    public async Task With_a_database_address_that_does_not_resolve_an_order_is_a_bad_gateway_naming_the_dependency_and_logging_the_url_and_error()
    {
        // Fault 3 of the lab: there is no Service called "database".
        var logs = new CapturedLogs();
        var client = StartOrderService(databaseUrl: "http://database:8080", logs: logs);
        var resolverError = await Assert.ThrowsAnyAsync<SocketException>(() => Dns.GetHostAddressesAsync("database"));

        var problem = await AssertProblemAsync(await client.PostAsJsonAsync("/orders", new { item = "laptop", quantity = 1 }), HttpStatusCode.BadGateway);

        // The learner reads which dependency failed and how in the answer; the address and resolver text are in the log.
        var detail = Detail(problem);
        Assert.Equal("The database-service call failed: its name did not resolve.", detail);
        Assert.Equal("database-service", problem.GetProperty("dependency").GetString());
        Assert.False(problem.TryGetProperty("url", out _));
        Assert.True(problem.TryGetProperty("traceId", out _));
        Assert.Contains(logs.Entries, entry => entry.Level >= LogLevel.Error
            && entry.Message.Contains("http://database:8080/store", StringComparison.Ordinal)
            && entry.Message.Contains(resolverError.Message, StringComparison.Ordinal));

        var health = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("order-service", (await ReadJsonAsync(health)).GetProperty("service").GetString());
    }

    [Fact]
    public async Task With_a_database_port_that_refuses_connections_an_order_is_a_bad_gateway()
    {
        var url = $"http://127.0.0.1:{ClosedPort()}";
        var client = StartOrderService(databaseUrl: url);

        var problem = await AssertProblemAsync(await client.PostAsJsonAsync("/orders", new { item = "laptop" }), HttpStatusCode.BadGateway);

        Assert.DoesNotContain(url, Detail(problem), StringComparison.Ordinal);
        Assert.Contains("refused", Detail(problem), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task When_the_database_fails_the_store_the_order_is_a_bad_gateway_carrying_its_reason()
    {
        var failing = Own(new ServiceFactory<DatabaseService.Program>(
            new Dictionary<string, string?> { ["DB_NAME"] = "failing", ["DATA_DIR"] = _dataDir, ["CHAOS_FAILURE_RATE"] = "1" }));
        var client = Own(new ServiceFactory<OrderService.Program>(new Dictionary<string, string?>(), services => services
            .RouteDependency(ServiceCatalog.Database.Name, failing)
            .RouteDependency(ServiceCatalog.Notification.Name, Notification))).CreateClient();

        var problem = await AssertProblemAsync(await client.PostAsJsonAsync("/orders", new { item = "laptop" }), HttpStatusCode.BadGateway);

        Assert.Contains("500", Detail(problem));
        Assert.Contains("Injected failure", Detail(problem));
        Assert.Equal(0, (await Notification.CreateClient().GetFromJsonAsync<JsonElement>("/notifications")).GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task With_the_notification_service_unreachable_the_order_is_still_created_and_stored()
    {
        var client = StartOrderService(notificationUrl: $"http://127.0.0.1:{ClosedPort()}");

        var response = await client.PostAsJsonAsync("/orders", new { item = "keyboard", quantity = 1 });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await ReadJsonAsync(response)).GetProperty("order").GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await Database.CreateClient().GetAsync($"/orders/{id}")).StatusCode);
    }

    [Fact]
    public async Task Listing_orders_passes_the_database_list_through()
    {
        var database = Database.CreateClient();
        foreach (var id in new[] { "o-1", "o-2" })
        {
            (await database.PostAsJsonAsync("/store", new { id, item = "mouse", quantity = 1, timestamp = "2026-11-24T07:00:00Z" })).EnsureSuccessStatusCode();
        }
        var client = StartOrderService();

        var direct = await database.GetStringAsync("/orders");
        var response = await client.GetAsync("/orders");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var list = await ReadJsonAsync(response);
        Assert.Equal(2, list.GetProperty("count").GetInt32());
        Assert.Equal(["o-2", "o-1"], list.GetProperty("orders").EnumerateArray().Select(o => o.GetProperty("id").GetString()));
        Assert.Equal(JsonDocument.Parse(direct).RootElement.ToString(), list.ToString());

        var one = await client.GetFromJsonAsync<JsonElement>("/orders?limit=1");
        Assert.Equal("o-2", Assert.Single(one.GetProperty("orders").EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task Listing_orders_with_a_limit_the_database_refuses_is_a_bad_request()
    {
        var problem = await AssertProblemAsync(await StartOrderService().GetAsync("/orders?limit=0"), HttpStatusCode.BadRequest);
        Assert.Contains("limit", Detail(problem));
    }

    [Fact]
    public async Task Listing_orders_with_the_database_unreachable_is_a_bad_gateway()
    {
        var url = $"http://127.0.0.1:{ClosedPort()}";
        var problem = await AssertProblemAsync(await StartOrderService(databaseUrl: url).GetAsync("/orders"), HttpStatusCode.BadGateway);
        Assert.DoesNotContain(url, Detail(problem), StringComparison.Ordinal);
        Assert.Equal("database-service", problem.GetProperty("dependency").GetString());
    }

    [Theory]
    [InlineData("""{"quantity": 1}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"item": "laptop", "quantity": 0}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"item": "laptop", "quantity": 101}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"item": "laptop", """, HttpStatusCode.BadRequest)]
    public async Task A_bad_order_is_refused_and_nothing_is_stored(string json, HttpStatusCode status)
    {
        var client = StartOrderService();
        await AssertProblemAsync(await client.PostAsync("/orders", Json(json)), status);
        Assert.Equal(0, await StoredCountAsync());
    }

    public void Dispose()
    {
        foreach (var factory in Enumerable.Reverse(_factories))
        {
            factory.Dispose();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }
}
