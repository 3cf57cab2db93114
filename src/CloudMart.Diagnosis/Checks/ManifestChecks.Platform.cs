using CloudMart.Manifests;
using CloudMart.Catalog;
using k8s;
using k8s.Models;

namespace CloudMart.Diagnosis.Checks;

/// <summary>
/// What the cluster must provide beside the pods: storage for the claims, and a network that lets
/// each component reach the ones it calls (NetworkPolicies).
/// </summary>
public static partial class ManifestChecks
{
    /// <summary>The storage class of the lab's cluster: k3d's local-path provisioner, its default.</summary>
    public const string LabStorageClass = "local-path";

    /// <summary>
    /// Each claim names no storage class (the cluster's default) or one that exists: the lab's
    /// local-path, or a StorageClass of the set. (A cluster's claims are not read: there the pod
    /// observations see the claim that does not bind.)
    /// </summary>
    public static IEnumerable<Finding> ClaimStorageClasses(ManifestSet set, BuiltImages images)
    {
        var classes = set.All<V1StorageClass>().Select(c => c.Metadata.Name).Append(LabStorageClass).ToHashSet(StringComparer.Ordinal);
        foreach (var claim in set.All<V1PersistentVolumeClaim>())
        {
            var className = claim.Spec?.StorageClassName;
            // "" asks for no dynamic provisioning: only a PersistentVolume made beforehand binds it.
            var unbound = className switch
            {
                null => false,
                "" => !set.All<V1PersistentVolume>().Any(),
                _ => !classes.Contains(className),
            };
            if (!unbound)
            {
                continue;
            }
            var owner = ClaimOwner(set, claim);
            var name = claim.Metadata.Name;
            yield return new Finding(CheckNames.Storage, owner, "storageClassName", set.Locate(claim, "spec.storageClassName"))
            {
                Summary = className == ""
                    ? $"PersistentVolumeClaim {name} turns dynamic provisioning off (storageClassName \"\") and no PersistentVolume is there to bind it"
                    : $"PersistentVolumeClaim {name} asks for storage class {className}, which the cluster does not provide",
                Value = className,
                Expected = $"no storageClassName (the cluster's default), or {LabStorageClass} on k3d",
                RootCause = className == ""
                    ? $"An empty storageClassName binds only to a PersistentVolume made by hand, and there is none, so {name} stays Pending."
                    : $"No StorageClass called {className} exists (k3d provides {LabStorageClass}); nothing provisions a volume for {name}, so it stays Pending.",
                Fix = $"Remove storageClassName from {name} (or set it to {LabStorageClass}); a claim's class cannot be changed in place, so delete the claim and apply again.",
                Symptom = $"{owner ?? "The"} pod stays Pending ('pod has unbound immediate PersistentVolumeClaims'); the claim stays Pending with ProvisioningFailed events.",
                Impact = owner is null ? "Whatever mounts the claim never starts." : $"{owner} never starts.",
            };
        }
    }

    /// <summary>The catalog component whose Deployment mounts a claim, else the claim's app label.</summary>
    static string? ClaimOwner(ManifestSet set, V1PersistentVolumeClaim claim) =>
        set.Deployments.FirstOrDefault(d => d.Spec?.Template?.Spec?.Volumes?.Any(v => v.PersistentVolumeClaim?.ClaimName == claim.Metadata.Name) == true)?.Metadata.Name
        ?? (claim.Metadata.Labels?.TryGetValue("app", out var app) == true ? app : null);

    /// <summary>Who calls whom, on which port: the dependency URLs of the catalog, and the gateway's upstream.</summary>
    static IEnumerable<(ServiceSpec Caller, ServiceSpec Target)> Calls() =>
        ServiceCatalog.All.SelectMany(caller => caller.DependencyVariables.Select(v => (caller, ServiceCatalog.Find(v.TargetService!))))
            .Prepend((ServiceCatalog.Gateway, ServiceCatalog.Api));

    /// <summary>
    /// No NetworkPolicy stops a component from reaching one it calls: when policies select the
    /// callee's pods for ingress, one of them admits the caller's pods on the callee's port; when
    /// policies select the caller's pods for egress, one of them lets the call out.
    /// </summary>
    public static IEnumerable<Finding> NetworkReach(ManifestSet set, BuiltImages images)
    {
        var policies = set.All<V1NetworkPolicy>().Where(p => (p.Metadata.NamespaceProperty ?? ServiceCatalog.Namespace) == ServiceCatalog.Namespace).ToList();
        if (policies.Count == 0)
        {
            yield break;
        }
        var namespaceLabels = NamespaceLabels(set);
        foreach (var (caller, target) in Calls())
        {
            if (set.FindContainer(caller.Name) is not { } from || set.FindContainer(target.Name) is not { } to)
            {
                continue;
            }
            var fromLabels = PodLabels(from);
            var toLabels = PodLabels(to);
            var port = new CalleePort(target.ContainerPort, to.Container.Ports?.FirstOrDefault(p => p.ContainerPort == target.ContainerPort)?.Name);

            var guarding = policies.Where(p => Selects(p.Spec.PodSelector, toLabels) && Types(p).Contains("Ingress")).ToList();
            if (guarding.Count > 0 && !guarding.Any(p => (p.Spec.Ingress ?? []).Any(rule => Admits(rule.FromProperty, rule.Ports, fromLabels, namespaceLabels, port))))
            {
                yield return Blocked(set, guarding[0], "ingress", caller, target,
                    $"The NetworkPolicy {Names(guarding)} selects the {target.Name} pods for ingress, and none of its rules admits pods labelled {fromLabels.Format()} on port {target.ContainerPort}.",
                    $"Admit the {caller.Name} pods in {guarding[0].Metadata.Name}: a from podSelector of app: {caller.Name} on port {target.ContainerPort} (or delete the policy).");
            }

            var confining = policies.Where(p => Selects(p.Spec.PodSelector, fromLabels) && Types(p).Contains("Egress")).ToList();
            if (confining.Count > 0 && !confining.Any(p => (p.Spec.Egress ?? []).Any(rule => Admits(rule.To, rule.Ports, toLabels, namespaceLabels, port))))
            {
                yield return Blocked(set, confining[0], "egress", caller, target,
                    $"The NetworkPolicy {Names(confining)} selects the {caller.Name} pods for egress, and none of its rules lets them reach pods labelled {toLabels.Format()} on port {target.ContainerPort}.",
                    $"Let the {caller.Name} pods out to app: {target.Name} on port {target.ContainerPort} in {confining[0].Metadata.Name} (or delete the policy).");
            }
        }
    }

    /// <summary>A container port, as a policy's port may name it: by number or by name.</summary>
    readonly record struct CalleePort(int Number, string? Name);

    /// <summary>An ingress block is about the callee (whose pods the policy guards), an egress block about the caller.</summary>
    static Finding Blocked(ManifestSet set, V1NetworkPolicy policy, string direction, ServiceSpec caller, ServiceSpec target, string rootCause, string fix)
    {
        var service = direction == "ingress" ? target.Name : caller.Name;
        return new Finding(CheckNames.Network, service, direction, set.Locate(policy, $"spec.{direction}"))
        {
            Summary = $"NetworkPolicy {policy.Metadata.Name} stops {caller.Name} from reaching {target.Name}:{target.ContainerPort}",
            Value = policy.Metadata.Name,
            Expected = $"{caller.Name} pods admitted to {target.Name} on port {target.ContainerPort}",
            RootCause = rootCause,
            Fix = fix,
            Symptom = $"Where the network plugin enforces NetworkPolicies (k3d's k3s does; kubenet does not), {caller.Name}'s calls to {target.Name} time out and it logs 'Call to {target.Name} failed'; every pod stays Running and ready.",
            Impact = target.Name == ServiceCatalog.Notification.Name
                ? "No notification is sent."
                : $"Everything {caller.Name} needs {target.Name} for fails.",
        };
    }

    static string Names(IEnumerable<V1NetworkPolicy> policies) => string.Join(", ", policies.Select(p => p.Metadata.Name));

    static IDictionary<string, string> PodLabels(ContainerRef found) =>
        found.Deployment.Spec?.Template?.Metadata?.Labels ?? new Dictionary<string, string>();

    /// <summary>The labels of the lab's namespace as a namespaceSelector sees them (the API server adds kubernetes.io/metadata.name).</summary>
    static IDictionary<string, string> NamespaceLabels(ManifestSet set)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["kubernetes.io/metadata.name"] = ServiceCatalog.Namespace };
        foreach (var (key, value) in set.All<V1Namespace>().FirstOrDefault(n => n.Metadata.Name == ServiceCatalog.Namespace)?.Metadata.Labels ?? new Dictionary<string, string>())
        {
            labels[key] = value;
        }
        return labels;
    }

    /// <summary>The directions a policy restricts: its policyTypes, or as the API server defaults them (Ingress, plus Egress when it has egress rules).</summary>
    static IReadOnlyCollection<string> Types(V1NetworkPolicy policy) =>
        policy.Spec.PolicyTypes is { Count: > 0 } types ? [.. types]
        : policy.Spec.Egress is { Count: > 0 } ? ["Ingress", "Egress"] : ["Ingress"];

    /// <summary>
    /// Whether one rule lets traffic between the pods labelled <paramref name="peerLabels"/> (in the
    /// lab's namespace) and the port: no peers means every peer, no ports every port. An ipBlock
    /// peer cannot be judged without the pods' addresses, so it counts as admitting.
    /// </summary>
    static bool Admits(IList<V1NetworkPolicyPeer>? peers, IList<V1NetworkPolicyPort>? ports, IDictionary<string, string> peerLabels, IDictionary<string, string> namespaceLabels, CalleePort port)
    {
        var peerAdmitted = peers is not { Count: > 0 } || peers.Any(peer =>
            peer.IpBlock is not null
            || (peer.PodSelector is not null || peer.NamespaceSelector is not null)
                && (peer.NamespaceSelector is null || Selects(peer.NamespaceSelector, namespaceLabels))
                && (peer.PodSelector is null || Selects(peer.PodSelector, peerLabels)));
        var portAdmitted = ports is not { Count: > 0 } || ports.Any(p =>
            (p.Protocol ?? "TCP") == "TCP"
            && (p.Port is null
                || p.Port.Value == port.Number.ToString(System.Globalization.CultureInfo.InvariantCulture)
                || (port.Name is not null && p.Port.Value == port.Name)
                || (p.EndPort is { } end && int.TryParse(p.Port.Value, out var start) && start <= port.Number && port.Number <= end)));
        return peerAdmitted && portAdmitted;
    }

    /// <summary>Whether a label selector (matchLabels and matchExpressions; empty selects everything) selects a label set.</summary>
    static bool Selects(V1LabelSelector? selector, IDictionary<string, string> labels) =>
        selector is null
        || ((selector.MatchLabels ?? new Dictionary<string, string>()).All(pair => labels.TryGetValue(pair.Key, out var value) && value == pair.Value)
            && (selector.MatchExpressions ?? []).All(e => e.OperatorProperty switch
            {
                "In" => labels.TryGetValue(e.Key, out var value) && (e.Values ?? []).Contains(value),
                "NotIn" => !labels.TryGetValue(e.Key, out var value) || !(e.Values ?? []).Contains(value),
                "Exists" => labels.ContainsKey(e.Key),
                "DoesNotExist" => !labels.ContainsKey(e.Key),
                _ => false,
            }));
}
