using System.Diagnostics.Metrics;
using CloudMart.ServiceDefaults.Contracts;
using CloudMart.ServiceDefaults.Http;
using CloudMart.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudMart.NotificationService.Apis;

public static partial class NotifyApi
{
    static readonly Counter<long> Notifications =
        CloudMartTelemetry.Meter.CreateCounter<long>("cloudmart.notifications", "{notification}", "Notifications received, by type and delivery");

    public static IEndpointRouteBuilder MapNotifyApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/notify", Notify);
        app.MapGet("/notifications", List);
        return app;
    }

    public static async Task<Ok<NotifyResult>> Notify(NotifyRequest body, NotificationLog log, IServiceProvider services,
        ILoggerFactory loggers, CancellationToken aborted)
    {
        var logger = loggers.CreateLogger("CloudMart.NotificationService.Notify");
        var record = new NotificationRecord($"ntf-{Guid.CreateVersion7():N}", body.Type!, body.Order!, DateTimeOffset.UtcNow, "recorded");
        if (services.GetKeyedService<DependencyClient>(NotificationSetup.Webhook) is { } webhook)
        {
            try
            {
                await webhook.PostAsync("", record, CloudMartJson.Default.NotificationRecord, aborted);
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
        if (ListLimit.Check(limit, NotificationLog.Capacity) is { } badLimit)
        {
            return badLimit;
        }
        var recent = log.Recent(limit ?? ListLimit.Default);
        return TypedResults.Ok(new NotificationList(recent, recent.Count));
    }

    [LoggerMessage(EventId = 50, EventName = LogEvents.NotificationRecorded, Level = LogLevel.Information,
        Message = "Notification {Type} for order {OrderId} recorded ({Delivery})")]
    static partial void LogRecorded(ILogger logger, string type, string orderId, string delivery);

    [LoggerMessage(EventId = 51, EventName = LogEvents.WebhookFailed, Level = LogLevel.Warning,
        Message = "Notification {NotificationId} was recorded but not forwarded: {Error}")]
    static partial void LogForwardFailed(ILogger logger, string notificationId, string error);
}
