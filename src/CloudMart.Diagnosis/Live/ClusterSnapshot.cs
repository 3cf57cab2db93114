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

    /// <summary>Each Service's endpoints, gathered from its EndpointSlices (see <see cref="EndpointsFrom"/>).</summary>
    public required IReadOnlyList<V1Endpoints> Endpoints { get; init; }

    public required IReadOnlyList<V1Pod> Pods { get; init; }

    public required IReadOnlyList<Corev1Event> Events { get; init; }

    /// <summary>The logs of each pod's service container, by pod name.</summary>
    public required IReadOnlyDictionary<string, ContainerLogs> Logs { get; init; }

    public ContainerLogs LogsOf(string pod) => Logs.TryGetValue(pod, out var logs) ? logs : ContainerLogs.None;

    /// <summary>
    /// The EndpointSlices of each Service gathered into one Endpoints object of the Service's name:
    /// ready addresses (a missing ready condition counts as ready, as the EndpointSlice API defines
    /// it) and not-ready ones. The API's v1 Endpoints are deprecated; the slices are what it keeps.
    /// </summary>
    public static IReadOnlyList<V1Endpoints> EndpointsFrom(IEnumerable<V1EndpointSlice> slices) =>
    [
        .. slices
            .GroupBy(s => s.Metadata?.Labels?.TryGetValue("kubernetes.io/service-name", out var owner) == true ? owner : null)
            .Where(g => g.Key is not null)
            .Select(g => Gather(g.Key!, [.. g])),
    ];

    static V1Endpoints Gather(string service, IReadOnlyList<V1EndpointSlice> slices)
    {
        var endpoints = slices.SelectMany(s => s.Endpoints ?? []).ToList();
        List<V1EndpointAddress> Addresses(bool ready) =>
        [
            .. endpoints.Where(e => (e.Conditions?.Ready != false) == ready)
                .SelectMany(e => (e.Addresses ?? []).Select(ip => new V1EndpointAddress { Ip = ip, NodeName = e.NodeName, TargetRef = e.TargetRef })),
        ];
        var ready = Addresses(true);
        var notReady = Addresses(false);
        return new V1Endpoints
        {
            Metadata = new V1ObjectMeta { Name = service, NamespaceProperty = slices[0].Metadata?.NamespaceProperty },
            Subsets = endpoints.Count == 0 ? null :
            [
                new V1EndpointSubset
                {
                    Addresses = ready.Count == 0 ? null : ready,
                    NotReadyAddresses = notReady.Count == 0 ? null : notReady,
                    Ports = [.. slices.SelectMany(s => s.Ports ?? []).Select(p => new Corev1EndpointPort { Name = p.Name, Port = p.Port ?? 0, Protocol = p.Protocol })],
                },
            ],
        };
    }
}
