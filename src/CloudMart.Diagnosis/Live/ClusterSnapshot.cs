using CloudMart.Cluster;
using k8s.Models;

namespace CloudMart.Diagnosis.Live;

/// <summary>
/// What the diagnosis read of one container's log: the last lines of the running container, the
/// last lines of the one before it (the crash a CrashLoopBackOff hides), and the first lines of the
/// running one (where a service says how it started).
/// </summary>
public sealed record ContainerLogs(IReadOnlyList<string> Recent, IReadOnlyList<string> Previous, IReadOnlyList<string> Start)
{
    public static ContainerLogs None { get; } = new([], [], []);

    /// <summary>Every line read, oldest first, without the lines the start and the tail share.</summary>
    public IEnumerable<string> All => Previous.Concat(Start).Concat(Recent.Where(l => !Start.Contains(l)));
}

/// <summary>One namespace of a cluster as the diagnosis read it, all at about the same moment.</summary>
public sealed record ClusterSnapshot
{
    /// <summary>The API server's address.</summary>
    public required string Server { get; init; }

    public required string Namespace { get; init; }

    public required IReadOnlyList<V1Deployment> Deployments { get; init; }

    public required IReadOnlyList<V1Service> Services { get; init; }

    /// <summary>Each Service's endpoints, from its EndpointSlices or, before 1.21, its v1 Endpoints (see <see cref="NamespaceReader.ServiceEndpointsAsync"/>).</summary>
    public required IReadOnlyList<V1Endpoints> Endpoints { get; init; }

    /// <summary>
    /// The namespace's NetworkPolicies: the manifest check of who may reach whom reads them as it
    /// does a folder's, whether or not the cluster's network plugin enforces them.
    /// </summary>
    public IReadOnlyList<V1NetworkPolicy> NetworkPolicies { get; init; } = [];

    public required IReadOnlyList<V1Pod> Pods { get; init; }

    public required IReadOnlyList<Corev1Event> Events { get; init; }

    /// <summary>The logs of each pod's service container, by pod name.</summary>
    public required IReadOnlyDictionary<string, ContainerLogs> Logs { get; init; }

    public ContainerLogs LogsOf(string pod) => Logs.TryGetValue(pod, out var logs) ? logs : ContainerLogs.None;
}
