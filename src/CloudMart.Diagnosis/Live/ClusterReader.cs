using System.Net;
using CloudMart.Catalog;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace CloudMart.Diagnosis.Live;

/// <summary>The cluster could not be read: no usable kubeconfig, an API server that does not answer, or one that refuses.</summary>
public sealed class ClusterAccessException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Where to find the cluster: a kubeconfig file and context (the defaults kubectl uses when null) and a namespace.</summary>
public sealed record ClusterTarget(string? Kubeconfig = null, string? Context = null, string Namespace = ServiceCatalog.Namespace)
{
    /// <summary>The client configuration for this target.</summary>
    /// <exception cref="ClusterAccessException">The kubeconfig is missing or has no such context.</exception>
    public KubernetesClientConfiguration Configuration()
    {
        if (Kubeconfig is not null && !File.Exists(Kubeconfig))
        {
            throw new ClusterAccessException($"the kubeconfig file {Kubeconfig} does not exist");
        }
        var file = Kubeconfig ?? DefaultKubeconfig();
        try
        {
            KubernetesClientConfiguration configuration;
            if (file is not null)
            {
                configuration = KubernetesClientConfiguration.BuildConfigFromConfigFile(file, Context);
            }
            else if (Context is null && KubernetesClientConfiguration.IsInCluster())
            {
                configuration = KubernetesClientConfiguration.InClusterConfig();
            }
            else
            {
                throw new ClusterAccessException(
                    "no kubeconfig found: pass --kubeconfig FILE, set KUBECONFIG, or create ~/.kube/config (k3d cluster create writes it)");
            }
            configuration.HttpClientTimeout = ClusterReader.RequestTimeout;
            return configuration;
        }
        catch (Exception ex) when (ex is k8s.Exceptions.KubeConfigException or IOException or UnauthorizedAccessException or YamlDotNet.Core.YamlException)
        {
            throw new ClusterAccessException($"cannot use the kubeconfig {file}{(Context is null ? "" : $" with context {Context}")}: {ex.Message}", ex);
        }
    }

    /// <summary>The kubeconfig kubectl would read: the first file of KUBECONFIG, else ~/.kube/config; null when neither exists.</summary>
    static string? DefaultKubeconfig()
    {
        if (Environment.GetEnvironmentVariable("KUBECONFIG") is { Length: > 0 } variable)
        {
            return variable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(File.Exists);
        }
        var home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");
        return File.Exists(home) ? home : null;
    }
}

/// <summary>
/// Reads what a diagnosis needs from one namespace: Deployments, Services, Endpoints, Pods,
/// Events, and the logs of each pod's service container. Only reads; never Secrets.
/// </summary>
public sealed class ClusterReader(IKubernetes client, string server, string @namespace)
{
    /// <summary>The last lines of each log that are read.</summary>
    public const int TailLines = 200;

    /// <summary>How much of the start of a log is read, for the start-up lines.</summary>
    public const int StartBytes = 32 * 1024;

    /// <summary>Logs are read from at most this many pods, so a large namespace cannot stall the diagnosis.</summary>
    public const int MaxPodsWithLogs = 60;

    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(20);

    /// <summary>The components that log how they started (the order-service its retry policy).</summary>
    static readonly IReadOnlySet<string> StartLogged = new HashSet<string> { ServiceCatalog.Order.Name };

    /// <exception cref="ClusterAccessException">The API server does not answer or refuses a list.</exception>
    public async Task<ClusterSnapshot> ReadAsync(CancellationToken cancellationToken)
    {
        var deployments = await List("deployments", () => client.AppsV1.ListNamespacedDeploymentAsync(@namespace, cancellationToken: cancellationToken));
        var services = await List("services", () => client.CoreV1.ListNamespacedServiceAsync(@namespace, cancellationToken: cancellationToken));
        var endpoints = await List("endpoints", () => client.CoreV1.ListNamespacedEndpointsAsync(@namespace, cancellationToken: cancellationToken));
        var pods = await List("pods", () => client.CoreV1.ListNamespacedPodAsync(@namespace, cancellationToken: cancellationToken));
        var events = await List("events", () => client.CoreV1.ListNamespacedEventAsync(@namespace, cancellationToken: cancellationToken));

        var logs = new Dictionary<string, ContainerLogs>(StringComparer.Ordinal);
        foreach (var pod in pods.Items.Take(MaxPodsWithLogs))
        {
            logs[pod.Metadata.Name] = await ReadLogsAsync(pod, deployments.Items, cancellationToken);
        }
        return new ClusterSnapshot
        {
            Server = server,
            Namespace = @namespace,
            Deployments = [.. deployments.Items],
            Services = [.. services.Items],
            Endpoints = [.. endpoints.Items],
            Pods = [.. pods.Items],
            Events = [.. events.Items],
            Logs = logs,
        };
    }

    async Task<T> List<T>(string what, Func<Task<T>> list)
    {
        try
        {
            return await list();
        }
        catch (HttpOperationException ex)
        {
            var status = ex.Response?.StatusCode;
            var reason = status switch
            {
                HttpStatusCode.Unauthorized => "the credentials of the kubeconfig were refused (401)",
                HttpStatusCode.Forbidden => $"listing {what} in namespace {@namespace} is forbidden (403) for this user",
                HttpStatusCode.NotFound => $"the API server has no {what} API (404)",
                _ => $"listing {what} failed with HTTP {(int?)status}",
            };
            throw new ClusterAccessException($"the API server {server} refused: {reason}", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new ClusterAccessException($"the API server {server} does not answer: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (ex.InnerException is TimeoutException)
        {
            throw new ClusterAccessException($"the API server {server} did not answer within {RequestTimeout.TotalSeconds:0} s", ex);
        }
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
        var recent = hasCurrent ? await ReadLogAsync(pod, container.Name, previous: false, tail: true, cancellationToken) : [];
        var previous = hasPrevious ? await ReadLogAsync(pod, container.Name, previous: true, tail: true, cancellationToken) : [];
        var start = hasCurrent && StartLogged.Contains(component) ? await ReadLogAsync(pod, container.Name, previous: false, tail: false, cancellationToken) : [];
        return new ContainerLogs(recent, previous, start);
    }

    async Task<IReadOnlyList<string>> ReadLogAsync(V1Pod pod, string container, bool previous, bool tail, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await client.CoreV1.ReadNamespacedPodLogAsync(pod.Metadata.Name, @namespace, container: container,
                previous: previous, tailLines: tail ? TailLines : null, limitBytes: tail ? null : StartBytes, cancellationToken: cancellationToken);
            using var reader = new StreamReader(stream);
            var text = await reader.ReadToEndAsync(cancellationToken);
            var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
            if (!tail && text.Length > 0 && !text.EndsWith('\n') && lines.Count > 0)
            {
                lines.RemoveAt(lines.Count - 1); // cut off by the byte limit
            }
            return lines;
        }
        catch (HttpOperationException)
        {
            return []; // The container has no such log (yet); the pod's state says why.
        }
    }
}
