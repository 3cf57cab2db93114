using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace CloudMart.Cluster;

/// <summary>Which part of a container's log to read; each bound is sent to the API server, which applies it.</summary>
public sealed record LogQuery
{
    /// <summary>The container before the current one (the crash a CrashLoopBackOff hides).</summary>
    public bool Previous { get; init; }

    public int? TailLines { get; init; }

    /// <summary>Read at most this much of the start of the log; a line cut off by the limit is dropped.</summary>
    public int? LimitBytes { get; init; }

    public int? SinceSeconds { get; init; }
}

/// <summary>
/// Reads one namespace through the Kubernetes API: Deployments, pods, Services, their endpoints
/// (EndpointSlices, or v1 Endpoints before 1.21), events, pod metrics and container logs. Only reads, and never Secrets.
/// Every failure of the API server arrives as a <see cref="ClusterAccessException"/>.
/// </summary>
public sealed class NamespaceReader(IKubernetes client, string server, string @namespace)
{
    /// <summary>A log keeps at most this many of its last lines, however much the API server sends.</summary>
    public const int MaxLogLines = 100_000;

    public string Namespace => @namespace;

    public IKubernetes Client => client;

    public Task<IList<V1Deployment>> DeploymentsAsync(CancellationToken cancellationToken) =>
        List("deployments", async () => (await client.AppsV1.ListNamespacedDeploymentAsync(@namespace, cancellationToken: cancellationToken)).Items);

    public Task<IList<V1Pod>> PodsAsync(CancellationToken cancellationToken, string? labelSelector = null) =>
        List("pods", async () => (await client.CoreV1.ListNamespacedPodAsync(@namespace, labelSelector: labelSelector, cancellationToken: cancellationToken)).Items);

    public Task<IList<V1Service>> ServicesAsync(CancellationToken cancellationToken) =>
        List("services", async () => (await client.CoreV1.ListNamespacedServiceAsync(@namespace, cancellationToken: cancellationToken)).Items);

    public Task<IList<V1EndpointSlice>> EndpointSlicesAsync(CancellationToken cancellationToken) =>
        List("endpointslices", async () => (await client.DiscoveryV1.ListNamespacedEndpointSliceAsync(@namespace, cancellationToken: cancellationToken)).Items);

    public Task<IList<V1Endpoints>> EndpointsAsync(CancellationToken cancellationToken) =>
        List("endpoints", async () => (await client.CoreV1.ListNamespacedEndpointsAsync(@namespace, cancellationToken: cancellationToken)).Items);

    /// <summary>Set once a list of EndpointSlices answered 404: this API server does not serve discovery.k8s.io/v1.</summary>
    bool _noSlices;

    /// <summary>
    /// Each Service's endpoints: from its EndpointSlices where the API server serves
    /// discovery.k8s.io/v1 (from Kubernetes 1.21), from the v1 Endpoints where it answers 404.
    /// </summary>
    public async Task<ServiceEndpoints> ServiceEndpointsAsync(CancellationToken cancellationToken)
    {
        if (!_noSlices)
        {
            try
            {
                return new ServiceEndpoints(ServiceEndpoints.FromSlices(await EndpointSlicesAsync(cancellationToken)), ServiceEndpoints.SlicesApi);
            }
            catch (ClusterAccessException ex) when (ex.Status == HttpStatusCode.NotFound)
            {
                _noSlices = true;
            }
        }
        return new ServiceEndpoints([.. await EndpointsAsync(cancellationToken)], ServiceEndpoints.EndpointsApi);
    }

    public Task<IList<V1NetworkPolicy>> NetworkPoliciesAsync(CancellationToken cancellationToken) =>
        List("networkpolicies", async () => (await client.NetworkingV1.ListNamespacedNetworkPolicyAsync(@namespace, cancellationToken: cancellationToken)).Items);

    public Task<IList<Corev1Event>> EventsAsync(CancellationToken cancellationToken) =>
        List("events", async () => (await client.CoreV1.ListNamespacedEventAsync(@namespace, cancellationToken: cancellationToken)).Items);

    /// <summary>metrics-server's figures (metrics.k8s.io); a 404 or 503 means it is not installed or not ready.</summary>
    public Task<IList<PodMetrics>> PodMetricsAsync(CancellationToken cancellationToken) =>
        List<PodMetrics>("pod metrics", async () => (await client.GetKubernetesPodsMetricsByNamespaceAsync(@namespace).WaitAsync(cancellationToken)).Items?.ToList() ?? []);

    /// <summary>One Service, or null when the namespace has none of that name.</summary>
    public async Task<V1Service?> ServiceAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await Call($"reading Service {name}", () => client.CoreV1.ReadNamespacedServiceAsync(name, @namespace, cancellationToken: cancellationToken));
        }
        catch (ClusterAccessException ex) when (ex.Status == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>The lines of one container's log, oldest first, at most <see cref="MaxLogLines"/> (the last ones).</summary>
    public Task<IReadOnlyList<string>> LogAsync(string pod, string container, LogQuery query, CancellationToken cancellationToken) =>
        Call($"reading the log of {pod}/{container}", async () =>
        {
            await using var stream = await client.CoreV1.ReadNamespacedPodLogAsync(pod, @namespace, container: container,
                previous: query.Previous ? true : null, tailLines: query.TailLines, limitBytes: query.LimitBytes,
                sinceSeconds: query.SinceSeconds, cancellationToken: cancellationToken);
            using var reader = new StreamReader(stream);
            var text = await reader.ReadToEndAsync(cancellationToken);
            return Lines(text, cutOff: query.LimitBytes is not null);
        });

    static IReadOnlyList<string> Lines(string text, bool cutOff)
    {
        if (text.Length == 0)
        {
            return [];
        }
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        // The text ends with a newline, or with a line the byte limit cut off; neither is a line.
        if (text.EndsWith('\n') || (cutOff && lines.Count > 0))
        {
            lines.RemoveAt(lines.Count - 1);
        }
        return lines.Count > MaxLogLines ? lines[^MaxLogLines..] : lines;
    }

    Task<IList<T>> List<T>(string resource, Func<Task<IList<T>>> list) => Call($"listing {resource}", async () => await list() ?? []);

    async Task<T> Call<T>(string action, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (HttpOperationException ex)
        {
            var status = ex.Response?.StatusCode;
            var reason = status switch
            {
                HttpStatusCode.Unauthorized => "the credentials of the kubeconfig were refused (401)",
                HttpStatusCode.Forbidden => $"{action} in namespace {@namespace} is forbidden (403) for this user",
                HttpStatusCode.NotFound when action.StartsWith("listing ", StringComparison.Ordinal) => $"the API server has no {action["listing ".Length..]} API (404)",
                _ => $"{action} failed with HTTP {(int?)status}",
            };
            throw new ClusterAccessException($"the API server {server} refused: {reason}", ex) { Status = status, Detail = Describe(ex) };
        }
        catch (HttpRequestException ex)
        {
            throw new ClusterAccessException($"the API server {server} does not answer: {ex.Message}", ex) { Detail = ex.Message };
        }
        catch (TaskCanceledException ex) when (ex.InnerException is TimeoutException)
        {
            throw new ClusterAccessException($"the API server {server} did not answer within {ClusterConnection.RequestTimeout.TotalSeconds:0} s", ex)
            {
                Detail = "no answer in time",
            };
        }
        catch (Exception ex) when (ex is KubernetesException or IOException or System.Net.WebSockets.WebSocketException or k8s.Exceptions.KubernetesClientException)
        {
            throw new ClusterAccessException($"{action} on {server} failed: {ex.Message}", ex) { Detail = ex.Message };
        }
    }

    /// <summary>The API server's answer in a few words: its status and the message of its Status body.</summary>
    static string Describe(HttpOperationException ex) => ex.Response is { } response
        ? $"{(int)response.StatusCode} {response.ReasonPhrase}" + (Message(response.Content) is { } message ? $": {message}" : "")
        : ex.Message;

    static string? Message(string? content)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(content);
            return document.RootElement.TryGetProperty("message", out var message) ? message.GetString() : Shorten(content);
        }
        catch (JsonException)
        {
            return Shorten(content);
        }
    }

    static string Shorten(string text) => text.Trim() is var trimmed && trimmed.Length <= 160 ? trimmed : trimmed[..159] + "…";
}
