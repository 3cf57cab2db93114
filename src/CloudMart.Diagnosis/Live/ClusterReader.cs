using CloudMart.Cluster;
using CloudMart.Catalog;
using k8s.Models;

namespace CloudMart.Diagnosis.Live;

/// <summary>
/// Reads what a diagnosis needs from one namespace: Deployments, Services, their endpoints,
/// NetworkPolicies, pods, events, and the logs of each pod's service container. Only reads; never Secrets.
/// </summary>
public sealed class ClusterReader(NamespaceReader reader, string server)
{
    /// <summary>The last lines of each log that are read.</summary>
    public const int TailLines = 200;

    /// <summary>How much of the start of a log is read, for the start-up lines.</summary>
    public const int StartBytes = 32 * 1024;

    /// <summary>Logs are read from at most this many pods, so a large namespace cannot stall the diagnosis.</summary>
    public const int MaxPodsWithLogs = 60;

    /// <summary>The components that log how they started (the order-service its retry policy).</summary>
    static readonly IReadOnlySet<string> StartLogged = new HashSet<string> { ServiceCatalog.Order.Name };

    /// <exception cref="ClusterAccessException">The API server does not answer or refuses a list.</exception>
    public async Task<ClusterSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        var deployments = await reader.DeploymentsAsync(cancellationToken);
        var services = await reader.ServicesAsync(cancellationToken);
        var endpoints = await reader.ServiceEndpointsAsync(cancellationToken);
        var policies = await reader.NetworkPoliciesAsync(cancellationToken);
        var pods = await reader.PodsAsync(cancellationToken);
        var events = await reader.EventsAsync(cancellationToken);

        var logs = new Dictionary<string, ContainerLogs>(StringComparer.Ordinal);
        foreach (var pod in pods.Take(MaxPodsWithLogs))
        {
            logs[pod.Metadata.Name] = await ReadLogsAsync(pod, deployments, cancellationToken);
        }
        return new ClusterSnapshot
        {
            Server = server,
            Namespace = reader.Namespace,
            Deployments = [.. deployments],
            Services = [.. services],
            Endpoints = endpoints.Items,
            NetworkPolicies = [.. policies],
            Pods = [.. pods],
            Events = [.. events],
            Logs = logs,
        };
    }

    async Task<ContainerLogs> ReadLogsAsync(V1Pod pod, IEnumerable<V1Deployment> deployments, CancellationToken cancellationToken)
    {
        var component = PodFacts.Component(pod, deployments);
        var container = PodFacts.ServiceContainer(pod, component);
        if (container is null)
        {
            return ContainerLogs.None;
        }
        var status = pod.Status?.ContainerStatuses?.FirstOrDefault(s => s.Name == container.Name);
        var hasCurrent = status?.State?.Running is not null || status?.State?.Terminated is not null;
        var hasPrevious = status?.LastState?.Terminated is not null;
        var recent = hasCurrent ? await ReadLogAsync(pod, container.Name, new LogQuery { TailLines = TailLines }, cancellationToken) : [];
        var previous = hasPrevious ? await ReadLogAsync(pod, container.Name, new LogQuery { Previous = true, TailLines = TailLines }, cancellationToken) : [];
        var start = hasCurrent && StartLogged.Contains(component)
            ? await ReadLogAsync(pod, container.Name, new LogQuery { LimitBytes = StartBytes }, cancellationToken)
            : [];
        return new ContainerLogs(recent, previous, start);
    }

    async Task<IReadOnlyList<string>> ReadLogAsync(V1Pod pod, string container, LogQuery query, CancellationToken cancellationToken)
    {
        try
        {
            return [.. (await reader.LogAsync(pod.Metadata.Name, container, query, cancellationToken)).Where(l => l.Length > 0)];
        }
        catch (ClusterAccessException ex) when (ex.Status is not null)
        {
            return []; // The container has no such log (yet); the pod's state says why.
        }
    }
}
