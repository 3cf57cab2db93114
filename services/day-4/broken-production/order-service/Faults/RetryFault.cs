namespace CloudMart.OrderService.Faults;

/// <summary>
/// LAB FAULT 7: the order-service retries a failed database call straight away, with no pause
/// between attempts. When the database-service is failing, every order then hits it four times
/// in a burst, which multiplies the load on a struggling dependency and the errors in its logs.
/// </summary>
/// <remarks>
/// The fix is the one-line change below, from <see cref="RetryStrategy.Immediate"/> to
/// <see cref="RetryStrategy.ExponentialBackoff"/>, then a rebuild of the order-service image
/// (k8s/day-4/solution/fault-7-retry-backoff.patch makes exactly this change). Both strategies
/// are built in <see cref="StoreRetry"/>.
/// </remarks>
public static class RetryFault
{
    public const RetryStrategy Shipped = RetryStrategy.Immediate;
}
