using CloudMart.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace CloudMart.OrderService.Faults;

public enum RetryStrategy
{
    /// <summary>Retry at once, with no delay: the lab's fault 7.</summary>
    Immediate,

    /// <summary>Exponential backoff with jitter and a timeout on each attempt: the fix.</summary>
    ExponentialBackoff,
}

/// <summary>How the order-service retries its calls to the database-service.</summary>
public static partial class StoreRetry
{
    /// <summary>Retries after the first attempt; four attempts in all.</summary>
    public const int MaxRetryAttempts = 3;

    /// <summary>The first backoff delay; each next one doubles, with jitter.</summary>
    public static readonly TimeSpan BaseDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>How long one attempt may take before it is abandoned and retried.</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(2);

    public static IHttpClientBuilder AddStoreRetry(this IHttpClientBuilder http, string dependency, RetryStrategy strategy)
    {
        http.AddResilienceHandler($"{dependency}-retry", (pipeline, context) =>
        {
            var logger = context.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("CloudMart.OrderService.Retry");
            pipeline.AddRetry(Options(strategy, dependency, logger));
            if (strategy == RetryStrategy.ExponentialBackoff)
            {
                pipeline.AddTimeout(AttemptTimeout);
            }
        });
        return http;
    }

    public static HttpRetryStrategyOptions Options(RetryStrategy strategy, string dependency, ILogger logger)
    {
        var options = new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = MaxRetryAttempts,
            OnRetry = args =>
            {
                CloudMartTelemetry.Retries.Add(1, new KeyValuePair<string, object?>("dependency", dependency));
                var reason = args.Outcome.Exception?.Message ?? $"HTTP {(int?)args.Outcome.Result?.StatusCode}";
                LogRetry(logger, dependency, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, reason);
                return default;
            },
        };
        if (strategy == RetryStrategy.Immediate)
        {
            options.BackoffType = DelayBackoffType.Constant;
            options.Delay = TimeSpan.Zero;
            options.UseJitter = false;
            // Part of the defect: a server's Retry-After is ignored as well.
            options.ShouldRetryAfterHeader = false;
        }
        else
        {
            options.BackoffType = DelayBackoffType.Exponential;
            options.Delay = BaseDelay;
            options.UseJitter = true;
        }
        return options;
    }

    [LoggerMessage(EventId = 20, EventName = LogEvents.RetryingDependency, Level = LogLevel.Warning,
        Message = "Retrying {Dependency} (retry {Retry}) after {DelayMs:0} ms: {Reason}")]
    static partial void LogRetry(ILogger logger, string dependency, int retry, double delayMs, string reason);
}
