using System.Diagnostics.Metrics;
using CloudMart.ServiceDefaults.Contracts;
using CloudMart.ServiceDefaults.Http;
using CloudMart.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudMart.NotificationService.Apis;

public static partial class NotifyApi
{
    const int MaxTypeLength = 64;
    const int DefaultListLimit = 100;

    static readonly Counter<long> Notifications =
        CloudMartTelemetry.Meter.CreateCounter<long>("cloudmart.notifications", "{notification}", "Notifications received, by type and delivery");

    public static IEndpointRouteBuilder MapNotifyApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/notify", Notify);
        app.MapGet("/notifications", List);
        return app;
    }

    public static async Task<IResult> Notify(HttpRequest request, NotificationLog log, IServiceProvider services, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("CloudMart.NotificationService.Notify");
        var (body, problem) = await JsonBody.ReadAsync(request, CloudMartJson.Default.NotifyRequest);
        if (problem is not null)
        {
            return problem;
        }
        if (string.IsNullOrWhiteSpace(body!.Type) || body.Type.Length > MaxTypeLength)
        {
            return Problems.BadRequest($"'type' is required and at most {MaxTypeLength} characters, e.g. \"order_created\".");
        }
        if (body.Order is null)
        {
            return Problems.BadRequest("'order' is required: the order the notification is about.");
        }
        if (OrderRules.Check(body.Order) is { } reason)
        {
            return Problems.BadRequest($"'order' is not valid: {reason}");
        }

        var record = new NotificationRecord($"ntf-{Guid.CreateVersion7():N}", body.Type, body.Order, DateTimeOffset.UtcNow, "recorded");
        if (services.GetKeyedService<DependencyClient>(NotificationSetup.Webhook) is { } webhook)
        {
            try
            {
                await webhook.PostAsync("", record, CloudMartJson.Default.NotificationRecord, request.HttpContext.RequestAborted);
                record = record with { Delivery = "forwarded" };
            }
            catch (DependencyException ex)
            {
                record = record with { Delivery = "forward_failed" };
                LogForwardFailed(logger, record.Id, ex.Message);
            }
        }

        log.Add(record);
        Notifications.Add(1, new KeyValuePair<string, object?>("type", record.Type), new KeyValuePair<string, object?>("delivery", record.Delivery));
        LogRecorded(logger, record.Type, record.Order.Id, record.Delivery);
        return TypedResults.Ok(new NotifyResult(true, record));
    }

    public static Results<Ok<NotificationList>, ProblemHttpResult> List(NotificationLog log, int? limit)
    {
        if (limit is < 1 or > NotificationLog.Capacity)
        {
            return TypedResults.Problem($"'limit' must be from 1 to {NotificationLog.Capacity} (got {limit}).", statusCode: StatusCodes.Status400BadRequest, title: "Invalid request");
        }
        var recent = log.Recent(limit ?? DefaultListLimit);
        return TypedResults.Ok(new NotificationList(recent, recent.Count));
    }

    [LoggerMessage(EventId = 50, EventName = LogEvents.NotificationRecorded, Level = LogLevel.Information,
        Message = "Notification {Type} for order {OrderId} recorded ({Delivery})")]
    static partial void LogRecorded(ILogger logger, string type, string orderId, string delivery);

    [LoggerMessage(EventId = 51, EventName = LogEvents.WebhookFailed, Level = LogLevel.Warning,
        Message = "Notification {NotificationId} was recorded but not forwarded: {Error}")]
    static partial void LogForwardFailed(ILogger logger, string notificationId, string error);
}
