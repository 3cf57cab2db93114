using k8s.Models;

namespace CloudMart.Cluster;

/// <summary>
/// Each Service's endpoints in one namespace, as one <see cref="V1Endpoints"/> object per Service
/// (its ready and not-ready addresses), and which API they were read from.
/// </summary>
/// <param name="Source">The API read: <see cref="SlicesApi"/>, or <see cref="EndpointsApi"/> on a cluster that does not serve it.</param>
public sealed record ServiceEndpoints(IReadOnlyList<V1Endpoints> Items, string Source)
{
    public const string SlicesApi = "EndpointSlices (discovery.k8s.io/v1)";

    /// <summary>The older API, deprecated from 1.33 but served by every version; the slices' v1 arrived in 1.21.</summary>
    public const string EndpointsApi = "Endpoints (v1)";

    /// <summary>The Service's endpoints, or null when there are none of its name (no Service, or no controller yet).</summary>
    public V1Endpoints? Of(string service) => Items.FirstOrDefault(e => e.Metadata?.Name == service);

    public static int ReadyCount(V1Endpoints? endpoints) => endpoints?.Subsets?.Sum(s => s.Addresses?.Count ?? 0) ?? 0;

    public static int NotReadyCount(V1Endpoints? endpoints) => endpoints?.Subsets?.Sum(s => s.NotReadyAddresses?.Count ?? 0) ?? 0;

    /// <summary>
    /// The EndpointSlices of each Service gathered into one Endpoints object of the Service's name:
    /// ready addresses (a missing ready condition counts as ready, as the EndpointSlice API defines
    /// it) and not-ready ones.
    /// </summary>
    public static IReadOnlyList<V1Endpoints> FromSlices(IEnumerable<V1EndpointSlice> slices) =>
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
