using CloudMart.Manifests;
using k8s.Models;

namespace CloudMart.Diagnosis.Live;

/// <summary>Services that have no ready endpoint, one rule per reason.</summary>
public static class EndpointObservations
{
    public static IReadOnlyList<Func<ClusterSnapshot, ManifestSet, IEnumerable<Finding>>> All { get; } = [SelectorMatchesNoPod, PodsNotReady];

    /// <summary>The selector picks no pod at all: the Service can have no endpoint.</summary>
    public static IEnumerable<Finding> SelectorMatchesNoPod(ClusterSnapshot snapshot, ManifestSet set) =>
        from s in WithoutEndpoints(snapshot)
        where s.Selected.Count == 0
        let name = s.Service.Metadata.Name
        let ownLabels = set.FindDeployment(name)?.Spec?.Template?.Metadata?.Labels.Format()
        let selector = s.Selector.Format()
        select new Finding(CheckNames.Endpoints, name, LabFaults.ServiceSelector, new FindingLocation(null, null, "Service", name, "spec.selector"))
        {
            FaultCheck = CheckNames.Selectors,
            Summary = $"Service {name} has no endpoints: its selector {selector} matches no pod",
            Evidence = [$"Endpoints {name}: no address; selector {selector} matches none of the {snapshot.Pods.Count} pods in {snapshot.Namespace}"
                + (ownLabels is null ? "" : $" (the {name} pods are labelled {ownLabels})")],
            Value = selector,
            Expected = ownLabels ?? $"app={name}",
            RootCause = $"The selector of Service {name} matches no pod label.",
            Fix = $"Set the selector of Service {name} to {ownLabels ?? "the labels of its pods"}.",
            Symptom = $"Service {name} has no endpoints.",
            Impact = $"Nothing reaches {name} through its Service.",
        };

    /// <summary>The selector picks pods, and none of them is ready: a consequence of what keeps them so.</summary>
    public static IEnumerable<Finding> PodsNotReady(ClusterSnapshot snapshot, ManifestSet set) =>
        from s in WithoutEndpoints(snapshot)
        where s.Selected.Count > 0
        let name = s.Service.Metadata.Name
        let notReady = s.Selected.Count(p => !PodFacts.IsReady(p))
        select new Finding(CheckNames.Endpoints, name, null, new FindingLocation(null, null, "Service", name, null))
        {
            Consequence = true,
            Summary = $"Service {name} has no ready endpoints: {notReady} of its {s.Selected.Count} pods are not ready",
            Evidence = [$"Endpoints {name}: no ready address; {notReady} of {s.Selected.Count} selected pods not ready"],
            Value = "0 ready addresses",
            Expected = "at least 1",
            RootCause = $"The pods of {name} are not ready.",
            Fix = $"Find why the {name} pods are not ready (kubectl describe pod -n {snapshot.Namespace} -l {s.Selector.Format()}).",
            Symptom = $"Connections to {name} are refused.",
            Impact = $"Everything that calls {name} fails.",
        };

    /// <summary>The Services with a selector (endpoints managed by hand have nothing to compare) and no ready address, with the pods they select.</summary>
    static IEnumerable<(V1Service Service, IDictionary<string, string> Selector, IReadOnlyList<V1Pod> Selected)> WithoutEndpoints(ClusterSnapshot snapshot) =>
        from service in snapshot.Services
        where service.Spec?.Selector is { Count: > 0 }
        let endpoints = snapshot.Endpoints.FirstOrDefault(e => e.Metadata.Name == service.Metadata.Name)
        where (endpoints?.Subsets?.Sum(s => s.Addresses?.Count ?? 0) ?? 0) == 0
        let selector = service.Spec!.Selector
        select (service, selector, (IReadOnlyList<V1Pod>)snapshot.Pods.Where(p => ManifestSet.Selects(selector, p.Metadata?.Labels)).ToList());
}
