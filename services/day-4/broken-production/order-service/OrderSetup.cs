using Microsoft.Extensions.DependencyInjection.Extensions;
using CloudMart.OrderService.Faults;
using CloudMart.ServiceDefaults.Http;

namespace CloudMart.OrderService;

static partial class OrderSetup
{
    static readonly TimeSpan StoreCallTimeout = TimeSpan.FromSeconds(14);

    public static void AddServices(WebApplicationBuilder builder, ServiceSettings settings) =>
        AddServices(builder, settings, LocalRetrySwitch.Effective());

    /// <summary>Registers the two dependencies; tests pass a retry strategy to compare both.</summary>
    public static void AddServices(WebApplicationBuilder builder, ServiceSettings settings, RetryStrategy retry)
    {
        // The clock of the idempotency window, keyed so that only the window reads it (the retry and
        // timeout pipelines keep the system's); tests put in one they can move.
        builder.Services.TryAddKeyedSingleton(IdempotencyKey.Clock, TimeProvider.System);
        builder.Services.AddOptions<OrderOptions>().Bind(settings.Values).CheckedAgainst(settings.Service);
        var options = settings.Values.Get<OrderOptions>()!;
        // The whole retry pipeline must fit in the call's time: four attempts at 2 s each with backoff
        // between them come to about 9.5 s. It stays below the api-service's 15 s for the order call.
        builder.Services.AddDependency(ServiceCatalog.Database.Name, options.DatabaseUrl, StoreCallTimeout)
            .AddStoreRetry(ServiceCatalog.Database.Name, retry);
        // A notification is best effort: a short timeout, no retry, and its failure never fails the order.
        builder.Services.AddDependency(ServiceCatalog.Notification.Name, options.NotificationUrl, TimeSpan.FromSeconds(2));
    }

    /// <summary>Says at start how failed stores will be retried, so the policy shows in the logs.</summary>
    public static void LogRetryPolicy(ILogger logger, RetryStrategy retry)
    {
        if (retry == RetryStrategy.Immediate)
        {
            LogImmediate(logger, StoreRetry.MaxRetryAttempts);
        }
        else
        {
            LogBackoff(logger, StoreRetry.MaxRetryAttempts, StoreRetry.BaseDelay.TotalMilliseconds, StoreRetry.AttemptTimeout.TotalMilliseconds);
        }
    }

    [LoggerMessage(EventId = 21, EventName = LogEvents.RetryPolicyImmediate, Level = LogLevel.Information,
        Message = "Store retry policy: immediate, up to {Retries} retries with no delay between attempts")]
    static partial void LogImmediate(ILogger logger, int retries);

    [LoggerMessage(EventId = 22, EventName = LogEvents.RetryPolicyBackoff, Level = LogLevel.Information,
        Message = "Store retry policy: exponential backoff with jitter, up to {Retries} retries from {BaseDelayMs} ms, {TimeoutMs} ms per attempt")]
    static partial void LogBackoff(ILogger logger, int retries, double baseDelayMs, double timeoutMs);
}

/// <summary>The order-service's own variables (<see cref="ServiceCatalog.Order"/>), checked and defaulted there.</summary>
public sealed class OrderOptions
{
    public Uri DatabaseUrl { get; set; } = null!;

    public Uri NotificationUrl { get; set; } = null!;
}
