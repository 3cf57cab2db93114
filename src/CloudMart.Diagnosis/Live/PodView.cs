using CloudMart.Diagnosis.Manifests;
using CloudMart.Catalog;
using k8s.Models;

namespace CloudMart.Diagnosis.Live;

/// <summary>
/// One pod of a snapshot as the pod observations read it: its component, its service container
/// and that container's state, its log lines and its events.
/// </summary>
public sealed record PodView
{
    public required ClusterSnapshot Snapshot { get; init; }

    /// <summary>The namespace's Deployments and Services, as the manifest checks see them.</summary>
    public required ManifestSet Set { get; init; }

    public required BuiltImages Images { get; init; }

    public required V1Pod Pod { get; init; }

    public required string Component { get; init; }

    /// <summary>The catalog's component, or null for a pod that is none of the lab's.</summary>
    public ServiceSpec? Spec { get; init; }

    public required V1Container Container { get; init; }

    public V1ContainerStatus? Status { get; init; }

    public required IReadOnlyList<LogLine> Lines { get; init; }

    /// <summary>The events about the pod itself.</summary>
    public required IReadOnlyList<Corev1Event> Events { get; init; }

    public string Name => Pod.Metadata.Name;

    /// <summary>The container's field path in its Deployment.</summary>
    public string Path => $"spec.template.spec.containers[{Pod.Spec!.Containers.IndexOf(Container)}]";

    public int Restarts => Status?.RestartCount ?? 0;

    public V1ContainerStateWaiting? Waiting => Status?.State?.Waiting;

    public V1ContainerStateTerminated? LastTerminated => Status?.LastState?.Terminated ?? Status?.State?.Terminated;

    /// <summary>The container's state in a word: its waiting reason, Running, or the pod's phase.</summary>
    public string State => Waiting is not null ? $"{Waiting.Reason}" : Status?.State?.Running is not null ? "Running" : Pod.Status?.Phase ?? "unknown";

    public bool OomKilled => LastTerminated?.Reason == "OOMKilled";

    public IReadOnlyList<Corev1Event> LivenessFailures =>
        Events.Where(e => e.Reason == "Unhealthy" && e.Message?.StartsWith("Liveness probe failed", StringComparison.Ordinal) == true).ToList();

    public bool KilledForLiveness =>
        LivenessFailures.Count > 0 || Events.Any(e => e.Reason == "Killing" && e.Message?.Contains("liveness probe", StringComparison.Ordinal) == true);

    /// <summary>The restarts have a cause another observation reports (an OOM kill, a failing liveness probe).</summary>
    public bool RestartsExplained => OomKilled || KilledForLiveness;

    /// <summary>A field of the component's Deployment, where a live problem is fixed.</summary>
    public FindingLocation DeploymentAt(string? field) => new(null, null, "Deployment", Component, field);

    /// <summary>A variable's literal value in the pod's container, or null.</summary>
    public string? Env(string name) => Container.Env?.FirstOrDefault(e => e.Name == name)?.Value;

    /// <summary>The pods of a snapshot that run a service container, each read once.</summary>
    public static IEnumerable<PodView> All(ClusterSnapshot snapshot, ManifestSet set, BuiltImages images)
    {
        foreach (var pod in snapshot.Pods)
        {
            var component = PodFacts.Component(pod, snapshot.Deployments);
            if (PodFacts.ServiceContainer(pod, component) is not { } container)
            {
                continue;
            }
            var name = pod.Metadata.Name;
            yield return new PodView
            {
                Snapshot = snapshot,
                Set = set,
                Images = images,
                Pod = pod,
                Component = component,
                Spec = ServiceCatalog.All.FirstOrDefault(s => s.Name == component),
                Container = container,
                Status = PodFacts.Status(pod, container),
                Lines = snapshot.LogsOf(name).All.Select(LogLine.Parse).ToList(),
                Events = snapshot.Events.Where(e => e.InvolvedObject?.Kind == "Pod" && e.InvolvedObject.Name == name).ToList(),
            };
        }
    }
}
