using CloudMart.DatabaseService.Storage;
using CloudMart.ServiceDefaults.Contracts;
using CloudMart.ServiceDefaults.Http;
using CloudMart.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudMart.DatabaseService.Apis;

public static partial class StoreApi
{
    const int MaxListLimit = 1000;
    const int MaxCustomerLength = 64;

    static readonly System.Diagnostics.Metrics.Counter<long> Stored =
        CloudMartTelemetry.Meter.CreateCounter<long>("cloudmart.orders.stored", "{order}", "Orders written to the database, by result");

    public static IEndpointRouteBuilder MapStoreApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/store", Store);
        app.MapGet("/orders", List);
        app.MapGet("/orders/{id}", Get);
        return app;
    }

    public static async Task<Results<Created<StoreResult>, Ok<StoreResult>, ProblemHttpResult>> Store(Order order, OrderStore store,
        ChaosInjector chaos, WriteCheckpoints checkpoints, HttpContext context, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("CloudMart.DatabaseService.Store");
        if (!checkpoints.TryAdmit(out var retryAfter))
        {
            Stored.Add(1, new KeyValuePair<string, object?>("result", "turned_away"));
            LogTurnedAway(logger, order.Id, retryAfter.TotalMilliseconds);
            context.Response.Headers.RetryAfter = "1";
            return TypedResults.Problem(
                $"The database is checkpointing its write-ahead log; order {order.Id} was not stored. Retry after a moment (Retry-After).",
                statusCode: StatusCodes.Status503ServiceUnavailable, title: "Writes paused");
        }

        // Fault 8 of the lab: CHAOS_FAILURE_RATE above 0 fails this share of orders on purpose, slowly.
        if (chaos.ShouldFail(order.Id))
        {
            Stored.Add(1, new KeyValuePair<string, object?>("result", "injected_failure"));
            await Task.Delay(chaos.FailureDelay, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            LogInjectedFailure(logger, order.Id, chaos.Rate, chaos.FailureDelay.TotalMilliseconds);
            return TypedResults.Problem(
                $"Injected failure: CHAOS_FAILURE_RATE={chaos.Rate} makes this share of store calls fail on purpose; order {order.Id} was not stored.",
                statusCode: StatusCodes.Status500InternalServerError, title: "Store failed");
        }

        var result = await store.StoreAsync(order, context.RequestAborted);
        if (!result.Success)
        {
            Stored.Add(1, new KeyValuePair<string, object?>("result", "conflict"));
            LogConflict(logger, order.Id);
            return Problems.Conflict($"Order {order.Id} is stored with a different item, quantity or customer; it was not changed.");
        }
        Stored.Add(1, new KeyValuePair<string, object?>("result", result.Created ? "created" : "duplicate"));
        LogStored(logger, result.Order.Id, result.Created);
        return result.Created
            ? TypedResults.Created($"/orders/{Uri.EscapeDataString(result.Order.Id)}", result)
            : TypedResults.Ok(result);
    }

    /// <summary>The newest orders; with <paramref name="customer"/>, only that customer's.</summary>
    public static Results<Ok<OrderList>, ProblemHttpResult> List(OrderStore store, int? limit, string? customer)
    {
        if (ListLimit.Check(limit, MaxListLimit) is { } badLimit)
        {
            return badLimit;
        }
        if (customer is { Length: 0 or > MaxCustomerLength })
        {
            return Problems.BadRequest($"'customer' must be 1 to {MaxCustomerLength} characters (got {customer.Length}).");
        }
        var orders = store.List(limit ?? ListLimit.Default, customer);
        return TypedResults.Ok(new OrderList(orders, orders.Count, store.Count(customer)));
    }

    public static Results<Ok<Order>, ProblemHttpResult> Get(OrderStore store, string id) =>
        store.Find(id) is { } order ? TypedResults.Ok(order) : Problems.NotFound($"No order has the id '{id}'.");

    [LoggerMessage(EventId = 1, EventName = LogEvents.OrderStored, Level = LogLevel.Information, Message = "Stored order {OrderId} (new: {Created})")]
    static partial void LogStored(ILogger logger, string orderId, bool created);

    [LoggerMessage(EventId = 3, EventName = LogEvents.OrderStoreConflict, Level = LogLevel.Warning,
        Message = "Refused a store of order {OrderId}: the id is stored with a different item, quantity or customer")]
    static partial void LogConflict(ILogger logger, string orderId);

    [LoggerMessage(EventId = 2, EventName = LogEvents.ChaosInjectedFailure, Level = LogLevel.Error,
        Message = "Injected failure: CHAOS_FAILURE_RATE={Rate} failed the store of order {OrderId} on purpose, after holding it {HeldMs:0} ms")]
    static partial void LogInjectedFailure(ILogger logger, string orderId, double rate, double heldMs);

    [LoggerMessage(EventId = 5, EventName = LogEvents.WriteTurnedAway, Level = LogLevel.Warning,
        Message = "Turned away the store of order {OrderId}: writes are paused for a checkpoint for {RemainingMs:0} ms more")]
    static partial void LogTurnedAway(ILogger logger, string orderId, double remainingMs);
}
