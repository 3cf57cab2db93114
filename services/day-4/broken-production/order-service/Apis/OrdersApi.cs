using System.Diagnostics.Metrics;
using CloudMart.ServiceDefaults;
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
        ILoggerFactory loggers, CancellationToken aborted)
    {
        var logger = loggers.CreateLogger("CloudMart.OrderService.Orders");
        // With a key, every retry names the same id, and the database-service's store-once rule makes it one order.
        var key = IdempotencyKey.From(request);
        var id = key is null ? NewOrderId() : IdempotencyKey.OrderId(body.Customer, key);
        var order = new Order(id, body.Item!.Trim(), body.Quantity ?? 1, DateTimeOffset.UtcNow, body.Customer);
        StoreResult stored;
        try
        {
            stored = await database.PostAsync("/store", order, CloudMartJson.Default.Order, CloudMartJson.Default.StoreResult, aborted);
        }
        catch (DependencyException ex)
        {
            // The exception handler answers the client; what the failure means for this order is recorded here.
            Orders.Add(1, new KeyValuePair<string, object?>("result", "store_failed"));
            LogNotStored(logger, order.Id, ex.Message);
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
            LogNotNotified(logger, order.Id, ex.Message);
        }

        Orders.Add(1, new KeyValuePair<string, object?>("result", "created"));
        LogCreated(logger, stored.Order.Id, stored.Order.Item, stored.Order.Quantity);
        return Answer(stored.Order);
    }

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
