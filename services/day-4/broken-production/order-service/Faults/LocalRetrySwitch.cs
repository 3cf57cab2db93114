namespace CloudMart.OrderService.Faults;

/// <summary>
/// The retry strategy this build runs with. A published build (the lab's image, <c>up --published</c>)
/// always runs <see cref="RetryFault.Shipped"/>: fault 7 is fixed only by changing the code. The
/// dotnet build that <c>cloudmart up</c> starts honours <see cref="LocalRunSwitches.OrderRetry"/>,
/// so the local run is healthy by default and shows fault 7 only when asked to.
/// </summary>
public static class LocalRetrySwitch
{
    public static RetryStrategy Effective() => Effective(Environment.GetEnvironmentVariable(LocalRunSwitches.OrderRetry));

    public static RetryStrategy Effective(string? setting)
    {
#if LAB_IMAGE
        _ = setting;
        return RetryFault.Shipped;
#else
        return setting switch
        {
            LocalRunSwitches.RetryBackoff => RetryStrategy.ExponentialBackoff,
            LocalRunSwitches.RetryImmediate => RetryStrategy.Immediate,
            _ => RetryFault.Shipped,
        };
#endif
    }
}
