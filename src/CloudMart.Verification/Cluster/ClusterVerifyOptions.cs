using k8s;

namespace CloudMart.Verification.Cluster;

/// <summary>What <c>verify --cluster</c> checks, and how.</summary>
public sealed record ClusterVerifyOptions
{
    public required IKubernetes Client { get; init; }

    /// <summary>Who the client talks to, for the report (the API server's address and the context).</summary>
    public string ClusterName { get; init; } = "the cluster";

    public string Namespace { get; init; } = ServiceCatalog.Namespace;

    /// <summary>The orders, and the trace looked up in Tempo (without its address the traces check is not available); with no gateway, the orders go through a port-forward to a gateway pod.</summary>
    public OrderCheckOptions Orders { get; init; } = new();

    /// <summary>How long every container must have run without a restart.</summary>
    public TimeSpan StableFor { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How far back the logs are searched for errors.</summary>
    public TimeSpan LogWindow { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Highest share of its CPU limit a container may use.</summary>
    public double CpuLimitShare { get; init; } = 0.5;

    /// <summary>Highest share of its memory limit a container may use.</summary>
    public double MemoryLimitShare { get; init; } = 0.8;

    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
