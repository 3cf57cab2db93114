using CloudMart.Manifests;
using CloudMart.Catalog;
using k8s.Models;

namespace CloudMart.Diagnosis.Live;

/// <summary>
/// One pod of a snapshot as the pod observations read it: its component, its service container
/// and that container's state, its log lines and its events.
/// </summary>
/// <param name="Set">The namespace's Deployments and Services, as the manifest checks see them.</param>
/// <param name="Spec">The catalog's component, or null for a pod that is none of the lab's.</param>
/// <param name="Events">The events about the pod itself.</param>
public sealed record PodView(
    ClusterSnapshot Snapshot, ManifestSet Set, BuiltImages Images, V1Pod Pod, string Component, ServiceSpec? Spec,
    V1Container Container, V1ContainerStatus? Status, IReadOnlyList<LogLine> Lines, IReadOnlyList<Corev1Event> Events)
{
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

    /// <summary>The runtime could not start the container's command (exit code 128, reason StartError).</summary>
    public bool StartFailed => LastTerminated?.Reason == "StartError" || Waiting?.Reason == "RunContainerError";

    /// <summary>The restarts have a cause another observation reports (an OOM kill, a failing liveness probe, a command that cannot start).</summary>
    public bool RestartsExplained => OomKilled || KilledForLiveness || StartFailed;

    /// <summary>A field of the pod itself, for a problem seen on it rather than in its Deployment.</summary>
    public FindingLocation PodAt(string field) => new(null, null, "Pod", Name, field);

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
            yield return new PodView(snapshot, set, images, pod, component,
                Spec: ServiceCatalog.All.FirstOrDefault(s => s.Name == component),
                Container: container,
                Status: PodFacts.Status(pod, container),
                Lines: snapshot.LogsOf(name).All.Select(LogLine.Parse).ToList(),
                Events: snapshot.Events.Where(e => e.InvolvedObject?.Kind == "Pod" && e.InvolvedObject.Name == name).ToList());
        }
    }
}
