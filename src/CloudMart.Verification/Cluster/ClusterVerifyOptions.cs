using CloudMart.Catalog;
using CloudMart.Verification.Checks;
using CloudMart.Verification.Load;
using k8s;

namespace CloudMart.Verification.Cluster;

/// <summary>What <c>verify --cluster</c> checks, and how.</summary>
public sealed record ClusterVerifyOptions
{
    public required IKubernetes Client { get; init; }

    /// <summary>Who the client talks to, for the report (the API server's address and the context).</summary>
    public string ClusterName { get; init; } = "the cluster";

    public string Namespace { get; init; } = ServiceCatalog.Namespace;

    /// <summary>The gateway to send the orders to; null to port-forward to a gateway pod through the API server.</summary>
    public Uri? GatewayUrl { get; init; }

    public int Orders { get; init; } = LoadPlan.DefaultOrders;

    public TimeSpan Interval { get; init; } = LoadPlan.DefaultInterval;

    /// <summary>How long every container must have run without a restart.</summary>
    public TimeSpan StableFor { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How far back the logs are searched for errors.</summary>
    public TimeSpan LogWindow { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Tempo's HTTP address; without it the traces check is not available.</summary>
    public Uri? TempoUrl { get; init; }

    public TimeSpan TempoWait { get; init; } = TempoTraceCheck.DefaultWait;

    /// <summary>Highest share of its CPU limit a container may use.</summary>
    public double CpuLimitShare { get; init; } = 0.5;

    /// <summary>Highest share of its memory limit a container may use.</summary>
    public double MemoryLimitShare { get; init; } = 0.8;

    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
