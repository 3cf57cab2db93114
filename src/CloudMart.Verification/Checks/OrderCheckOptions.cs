namespace CloudMart.Verification.Checks;

/// <summary>
/// How both checklists (the local run's and a cluster's) try orders: how many, how far apart,
/// to which gateway, and where to look up one order's trace afterwards.
/// </summary>
public sealed record OrderCheckOptions
{
    /// <summary>The gateway to send the orders to; null for the target's own (the one run.json names, or a port-forward to a gateway pod).</summary>
    public Uri? GatewayUrl { get; init; }

    public int Count { get; init; } = LoadPlan.DefaultOrders;

    public TimeSpan Interval { get; init; } = LoadPlan.DefaultInterval;

    /// <summary>Tempo's HTTP address; without it no trace is looked up there.</summary>
    public Uri? TempoUrl { get; init; }

    public TimeSpan TempoWait { get; init; } = TempoTraceCheck.DefaultWait;

    public string Title => OrdersCheck.Title(Count);

    public LoadPlan Plan(Uri gateway) => new() { BaseUrl = gateway, Orders = Count, Interval = Interval };
}
