namespace CloudMart.Catalog;

/// <summary>
/// Settings only the local run (<c>cloudmart up</c>) passes to a service's dotnet build. The
/// published binaries, which the lab's images are, never read them, so none of them can become a
/// switch in the manifests.
/// </summary>
public static class LocalRunSwitches
{
    /// <summary>
    /// How the order-service's build retries the database-service: <c>backoff</c> (the local run's
    /// default, healthy) or <c>immediate</c> (fault 7 as shipped, for <c>up --fault 7</c>).
    /// Without it the build does what the image does.
    /// </summary>
    public const string OrderRetry = "CLOUDMART_LOCAL_ORDER_RETRY";

    public const string RetryBackoff = "backoff";
    public const string RetryImmediate = "immediate";
}
