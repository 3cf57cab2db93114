using System.Globalization;
using CloudMart.Manifests;
using k8s.Models;

namespace CloudMart.Diagnosis.Live;

/// <summary>Which component a pod belongs to, and the facts about its service container a diagnosis reads.</summary>
public static class PodFacts
{
    /// <summary>
    /// The component a pod runs: the Deployment whose selector picks it, else its <c>app</c> label,
    /// else its name without the ReplicaSet and pod suffixes.
    /// </summary>
    public static string Component(V1Pod pod, IEnumerable<V1Deployment> deployments)
    {
        var labels = pod.Metadata?.Labels;
        var owner = deployments.FirstOrDefault(d => ManifestSet.Selects(d.Spec?.Selector?.MatchLabels, labels));
        if (owner is not null)
        {
            return owner.Metadata.Name;
        }
        if (labels?.TryGetValue("app", out var app) == true)
        {
            return app;
        }
        var parts = pod.Metadata?.Name?.Split('-') ?? [];
        return parts.Length > 2 ? string.Join('-', parts[..^2]) : pod.Metadata?.Name ?? "";
    }

    /// <summary>The pod's container named like the component, or its only one.</summary>
    public static V1Container? ServiceContainer(V1Pod pod, string component)
    {
        var containers = pod.Spec?.Containers ?? [];
        return containers.FirstOrDefault(c => c.Name == component) ?? (containers.Count == 1 ? containers[0] : null);
    }

    public static V1ContainerStatus? Status(V1Pod pod, V1Container container) =>
        pod.Status?.ContainerStatuses?.FirstOrDefault(s => s.Name == container.Name);

    public static bool IsReady(V1Pod pod) =>
        pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;

    public static string Describe(V1ContainerStateTerminated terminated) =>
        $"{terminated.Reason ?? "terminated"} (exit code {terminated.ExitCode.ToString(CultureInfo.InvariantCulture)})";
}
