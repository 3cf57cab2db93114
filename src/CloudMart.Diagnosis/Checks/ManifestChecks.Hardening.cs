using CloudMart.Manifests;
using CloudMart.Catalog;
using k8s;
using k8s.Models;

namespace CloudMart.Diagnosis.Checks;

/// <summary>
/// Where a manifest departs from the Online Boutique habits the lab's reference keeps. None of
/// these is a lab fault; most are warnings.
/// </summary>
/// <param name="Resource">The object that departs, a Deployment or a Service most often.</param>
/// <param name="Field">Where in it, as a field path.</param>
/// <param name="Service">The catalog component it belongs to, or null for an object of no one component.</param>
public sealed record Departure(IKubernetesObject<V1ObjectMeta> Resource, string Field, string? Service = null)
{
    public required string Summary { get; init; }

    public string? Value { get; init; }

    public string? Expected { get; init; }

    public required string Fix { get; init; }

    public Severity Severity { get; init; } = Severity.Warning;

    public Finding ToFinding(ManifestSet set) => new(CheckNames.Hardening, Service, Field, set.Locate(Resource, Field))
    {
        Severity = Severity,
        Summary = Summary,
        Value = Value,
        Expected = Expected,
        RootCause = "The manifest departs from how the lab runs its components (see k8s/day-4/solution/ for the reference).",
        Fix = Fix,
        Symptom = Severity == Severity.Error ? "The component may fail to start or to answer." : "Nothing visible at first.",
        Impact = Severity == Severity.Error ? "The component may be unavailable." : "A weaker or less predictable deployment than the lab's reference.",
    };
}

/// <summary>One catalog component that has its container and its Service, as the hardening habits read it.</summary>
public sealed record HardenedComponent(ServiceSpec Spec, ContainerRef Found, V1Service Service)
{
    public string Name => Spec.Name;

    public V1Deployment Deployment => Found.Deployment;

    public V1PodSpec Pod => Deployment.Spec.Template.Spec;

    public V1Container Container => Found.Container;

    /// <summary>The container's field path in the Deployment.</summary>
    public string Path => Found.Path;

    /// <summary>A .NET service, as opposed to the nginx gateway.</summary>
    public bool IsDotnet => Name != ServiceCatalog.Gateway.Name;

    public IList<V1VolumeMount> Mounts => Container.VolumeMounts ?? [];

    public IList<V1Volume> Volumes => Pod.Volumes ?? [];

    /// <summary>Paths mounted writable from an emptyDir or a PersistentVolumeClaim.</summary>
    public IReadOnlySet<string> Writable => MountPaths(v => v.EmptyDir is not null || v.PersistentVolumeClaim is not null);

    /// <summary>Paths mounted writable from a PersistentVolumeClaim.</summary>
    public IReadOnlySet<string> Persistent => MountPaths(v => v.PersistentVolumeClaim is not null);

    IReadOnlySet<string> MountPaths(Func<V1Volume, bool> kind) =>
        Mounts.Where(m => m.ReadOnlyProperty != true && Volumes.Any(v => v.Name == m.Name && kind(v))).Select(m => m.MountPath).ToHashSet();
}

public static partial class ManifestChecks
{
    /// <summary>The habits every object of the set keeps.</summary>
    public static IReadOnlyList<Func<ManifestSet, IEnumerable<Departure>>> SetHabits { get; } = [InNamespace, IngressThroughGateway];

    /// <summary>The habits each component keeps, in the order they are reported for it.</summary>
    public static IReadOnlyList<Func<HardenedComponent, IEnumerable<Departure>>> ComponentHabits { get; } =
    [
        AppLabels, ReplicaCount, ClusterIp, ServicePort, PullPolicy, ResourceBounds, MemoryRequestWithinLimit,
        PodSecurity, NoServiceAccountToken, ContainerSecurity, DeclaredVolumes,
        DiagnosticsOff, Telemetry, PortVariable, DataDirOnVolume, DatabaseTmp,
        GatewayWritableDirs, NoSysctls, GatewayConfig,
    ];

    /// <summary>
    /// The Online Boutique habits: one app label, ClusterIP Services on the catalog port, requests
    /// and limits, non-root read-only containers without privileges, the replica counts, the
    /// telemetry variables, and a writable volume wherever the app writes.
    /// </summary>
    public static IEnumerable<Finding> Hardening(ManifestSet set, BuiltImages images)
    {
        // The inventory check reports a component that misses its container or its Service.
        var components = ServiceCatalog.All
            .Select(spec => set.FindContainer(spec.Name) is { } found && set.FindService(spec.Name) is { } service ? new HardenedComponent(spec, found, service) : null)
            .OfType<HardenedComponent>();
        var departures = SetHabits.SelectMany(habit => habit(set))
            .Concat(components.SelectMany(component => ComponentHabits.SelectMany(habit => habit(component))));
        return departures.Select(d => d.ToFinding(set));
    }

    public static IEnumerable<Departure> InNamespace(ManifestSet set) =>
        from obj in set.Objects
        where obj.Object is not V1Namespace && obj.Object.Metadata.NamespaceProperty != ServiceCatalog.Namespace
        select new Departure(obj.Object, "metadata.namespace")
        {
            Summary = $"{obj.Kind} {obj.Name} is not in namespace {ServiceCatalog.Namespace}",
            Value = obj.Object.Metadata.NamespaceProperty,
            Expected = ServiceCatalog.Namespace,
            Fix = $"Set metadata.namespace to {ServiceCatalog.Namespace}.",
        };

    public static IEnumerable<Departure> IngressThroughGateway(ManifestSet set)
    {
        var gateway = ServiceCatalog.Gateway;
        foreach (var ingress in set.All<V1Ingress>())
        {
            var backends = (ingress.Spec?.Rules ?? []).SelectMany(r => r.Http?.Paths ?? []).Select(p => p.Backend?.Service).ToList();
            if (backends.Count == 0 || backends.Any(b => b is null || set.FindService(b.Name) is not { } target || !(target.Spec?.Ports ?? []).Any(p => p.Port == b.Port?.Number)))
            {
                // Traefik answers every such request with its own 404: the shop is unreachable through the Ingress.
                yield return new Departure(ingress, "spec.rules")
                {
                    Severity = Severity.Error,
                    Summary = $"Ingress {ingress.Metadata.Name} sends traffic to a Service or port that does not exist",
                    Expected = $"Service {gateway.Name} port {gateway.ServicePort}",
                    Fix = $"Send the Ingress to Service {gateway.Name} on port {gateway.ServicePort}.",
                };
            }
            // A backend naming no Service is the error above; one naming another Service works, past the gateway.
            if (backends.Any(b => b?.Name != gateway.Name && b?.Name is { } name && set.FindService(name) is not null))
            {
                yield return new Departure(ingress, "spec.rules")
                {
                    Summary = $"Ingress {ingress.Metadata.Name} bypasses the gateway",
                    Expected = $"Service {gateway.Name}",
                    Fix = $"Route every Ingress path to Service {gateway.Name}.",
                };
            }
        }
    }

    public static IEnumerable<Departure> AppLabels(HardenedComponent c) =>
        from labelled in new (string What, IDictionary<string, string>? Labels, IKubernetesObject<V1ObjectMeta> Resource, string Field)[]
        {
            ("Deployment", c.Deployment.Metadata.Labels, c.Deployment, "metadata.labels"),
            ("pod template", c.Deployment.Spec.Template.Metadata?.Labels, c.Deployment, "spec.template.metadata.labels"),
            ("Service", c.Service.Metadata.Labels, c.Service, "metadata.labels"),
        }
        where labelled.Labels is not { Count: 1 } labels || !labels.TryGetValue("app", out var app) || app != c.Name
        select new Departure(labelled.Resource, labelled.Field, c.Name)
        {
            Summary = $"{c.Name} {labelled.What} labels are not exactly app={c.Name}",
            Value = labelled.Labels.Format(),
            Expected = $"app={c.Name}",
            Fix = $"Label the {labelled.What} app={c.Name} and nothing else.",
        };

    public static IEnumerable<Departure> ReplicaCount(HardenedComponent c)
    {
        var expected = Replicas[c.Name];
        if (c.Deployment.Spec.Replicas != expected)
        {
            yield return new Departure(c.Deployment, "spec.replicas", c.Name)
            {
                // No pod at all is an outage, not a matter of capacity.
                Severity = c.Deployment.Spec.Replicas == 0 ? Severity.Error : Severity.Warning,
                Summary = $"{c.Name} has {c.Deployment.Spec.Replicas} replicas; expected {expected}",
                Value = Text(c.Deployment.Spec.Replicas),
                Expected = Text(expected),
                Fix = $"Set spec.replicas to {expected}.",
            };
        }
    }

    public static IEnumerable<Departure> ClusterIp(HardenedComponent c)
    {
        if (c.Service.Spec?.Type != "ClusterIP")
        {
            yield return new Departure(c.Service, "spec.type", c.Name)
            {
                Summary = $"Service {c.Name} is of type {c.Service.Spec?.Type ?? "(unset)"}, not ClusterIP",
                Value = c.Service.Spec?.Type,
                Expected = "ClusterIP",
                Fix = "Set spec.type to ClusterIP; the Ingress and port-forward are the ways in.",
            };
        }
    }

    public static IEnumerable<Departure> ServicePort(HardenedComponent c)
    {
        var (port, target) = (c.Spec.ServicePort, c.Spec.ContainerPort);
        var ports = c.Service.Spec?.Ports ?? [];
        // Where the traffic lands (targetPort) is the selectors check's: a wrong one is an error there.
        if (ports.Count != 1 || ports[0].Port != port)
        {
            yield return new Departure(c.Service, "spec.ports", c.Name)
            {
                Summary = $"Service {c.Name} does not expose port {port} to container port {target}",
                Value = string.Join(",", ports.Select(p => $"{p.Port}->{p.TargetPort?.Value}")),
                Expected = $"{port}->{target}",
                Fix = $"Give the Service one port {port} with targetPort {target}.",
            };
        }
    }

    /// <summary>Always (said or implied by :latest) is the images check's error; what is left to warn about is Never.</summary>
    public static IEnumerable<Departure> PullPolicy(HardenedComponent c)
    {
        if (c.Container.EffectivePullPolicy() == "Never")
        {
            yield return new Departure(c.Deployment, $"{c.Path}.imagePullPolicy", c.Name)
            {
                Summary = $"{c.Name} imagePullPolicy is {c.Container.ImagePullPolicy ?? "(unset)"}, not IfNotPresent",
                Value = c.Container.ImagePullPolicy,
                Expected = "IfNotPresent",
                Fix = "Set imagePullPolicy: IfNotPresent, so the images imported into k3d are used.",
            };
        }
    }

    public static IEnumerable<Departure> ResourceBounds(HardenedComponent c) =>
        from resource in new[] { "cpu", "memory" }
        where c.Container.Resources?.Requests?.ContainsKey(resource) != true || c.Container.Resources?.Limits?.ContainsKey(resource) != true
        select new Departure(c.Deployment, $"{c.Path}.resources", c.Name)
        {
            Summary = $"{c.Name} lacks a {resource} request or limit",
            Expected = $"a {resource} request and limit",
            Fix = $"Set resources.requests.{resource} and resources.limits.{resource}.",
        };

    public static IEnumerable<Departure> MemoryRequestWithinLimit(HardenedComponent c)
    {
        if (c.Container.MemoryRequestMiB() is { } request && c.Container.MemoryLimitMiB() is { } limit && request > limit)
        {
            yield return new Departure(c.Deployment, $"{c.Path}.resources.requests.memory", c.Name)
            {
                Summary = $"{c.Name} requests more memory than its limit",
                Value = $"{request}Mi",
                Expected = $"<= {limit}Mi",
                Fix = "Lower the memory request to at most the limit.",
            };
        }
    }
}
