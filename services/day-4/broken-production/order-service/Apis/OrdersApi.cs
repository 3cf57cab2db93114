using System.Diagnostics.Metrics;
using CloudMart.ServiceDefaults.Contracts;
using CloudMart.ServiceDefaults.Http;
using CloudMart.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudMart.OrderService.Apis;

public static partial class OrdersApi
{
    static readonly Counter<long> Orders =
        CloudMartTelemetry.Meter.CreateCounter<long>("cloudmart.orders.created", "{order}", "Orders the order-service was asked to create, by result");

    public static IEndpointRouteBuilder MapOrdersApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/orders", Create);
        app.MapGet("/orders", List).ForwardsBadRequests();
        return app;
    }

    public static async Task<Created<OrderCreated>> Create(OrderRequest body, HttpRequest request,
        [FromKeyedServices(ServiceNames.Database)] DependencyClient database,
        [FromKeyedServices(ServiceNames.Notification)] DependencyClient notifications,
        [FromKeyedServices(IdempotencyKey.Clock)] TimeProvider clock, ILoggerFactory loggers, CancellationToken aborted)
    {
        var logger = loggers.CreateLogger("CloudMart.OrderService.Orders");
        // With a key, every retry names the same id, and the database-service's store-once rule makes it one order.
        var key = IdempotencyKey.From(request);
        var id = key is null ? NewOrderId() : IdempotencyKey.OrderId(body.Customer, key);
        StoreResult stored;
        try
        {
            if (key is not null)
            {
                id = await KeyedOrderIdAsync(database, body.Customer, key, clock, aborted);
            }
            var order = new Order(id, body.Item!.Trim(), body.Quantity ?? 1, clock.GetUtcNow(), body.Customer);
            stored = await database.PostAsync("/store", order, CloudMartJson.Default.Order, CloudMartJson.Default.StoreResult, aborted);
        }
        catch (DependencyException ex)
        {
            // The exception handler answers the client; what the failure means for this order is recorded here.
            Orders.Add(1, new KeyValuePair<string, object?>("result", "store_failed"));
            LogNotStored(logger, id, ex.Message);
            throw;
        }

        if (!stored.Created)
        {
            // A replay: the first request already notified, and a retry must not do it twice.
            return Answer(stored.Order);
        }
        try
        {
            await notifications.PostAsync("/notify", new NotifyRequest("order_created", stored.Order),
                CloudMartJson.Default.NotifyRequest, CloudMartJson.Default.NotifyResult, aborted);
        }
        catch (DependencyException ex)
        {
            LogNotNotified(logger, stored.Order.Id, ex.Message);
        }

        Orders.Add(1, new KeyValuePair<string, object?>("result", "created"));
        LogCreated(logger, stored.Order.Id, stored.Order.Item, stored.Order.Quantity);
        return Answer(stored.Order);
    }

    /// <summary>
    /// The id a keyed checkout stores under: the first of the key's ids that holds no order, or whose
    /// order is still inside the key's window (then the store answers with that order, or refuses a
    /// different one). An order past the window is left as it is and the key's next id is tried.
    /// </summary>
    static async Task<string> KeyedOrderIdAsync(DependencyClient database, string? customer, string key, TimeProvider clock, CancellationToken aborted)
    {
        for (var generation = 0; generation < IdempotencyKey.MaxGenerations; generation++)
        {
            var id = IdempotencyKey.OrderId(customer, key, generation);
            var stored = await database.SendAsync(HttpMethod.Get, "/orders/" + Uri.EscapeDataString(id), null, CloudMartJson.Default.Order, aborted,
                onClientError: response => Task.FromResult<Order?>(response.StatusCode == System.Net.HttpStatusCode.NotFound ? NotStored : null));
            if (ReferenceEquals(stored, NotStored) || IdempotencyKey.Holds(stored.Timestamp, clock.GetUtcNow()))
            {
                return id;
            }
        }
        throw new InvalidRequestException(Problems.KeyReused(
            $"This {IdempotencyKey.Header} has made {IdempotencyKey.MaxGenerations} orders a day apart; send a new key for a new order."));
    }

    /// <summary>What the lookup of a key's id answers when the database holds no order under it.</summary>
    static readonly Order NotStored = new("", "", 0, DateTimeOffset.MinValue);

    static Created<OrderCreated> Answer(Order order) =>
        TypedResults.Created($"/orders/{order.Id}", new OrderCreated(true, order, "Order created successfully"));

    /// <summary>The newest orders, or only <paramref name="customer"/>'s; the database-service checks both values.</summary>
    public static async Task<Ok<OrderList>> List([FromKeyedServices(ServiceNames.Database)] DependencyClient database, int? limit,
        string? customer, CancellationToken aborted)
    {
        var query = QueryString.Empty;
        if (customer is not null)
        {
            query = query.Add("customer", customer);
        }
        if (limit is not null)
        {
            query = query.Add("limit", limit.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return TypedResults.Ok(await database.GetAsync("/orders" + query, CloudMartJson.Default.OrderList, aborted));
    }

    /// <summary>Time-ordered ids, so the newest orders sort last and ids never collide across replicas.</summary>
    static string NewOrderId() => "ord-" + Guid.CreateVersion7().ToString("N");

    [LoggerMessage(EventId = 10, EventName = LogEvents.OrderCreated, Level = LogLevel.Information, Message = "Created order {OrderId}: {Quantity} x {Item}")]
    static partial void LogCreated(ILogger logger, string orderId, string item, int quantity);

    [LoggerMessage(EventId = 11, EventName = LogEvents.OrderNotStored, Level = LogLevel.Error, Message = "Order {OrderId} was not created: {Error}")]
    static partial void LogNotStored(ILogger logger, string orderId, string error);

    [LoggerMessage(EventId = 12, EventName = LogEvents.NotificationFailed, Level = LogLevel.Warning,
        Message = "Order {OrderId} is stored, but its notification failed: {Error}")]
    static partial void LogNotNotified(ILogger logger, string orderId, string error);
}
