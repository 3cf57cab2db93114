using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CloudMart.Testing.Kubernetes;

/// <summary>
/// A stand-in for a Kubernetes API server on 127.0.0.1 (a free port), answering the paths
/// <c>diagnose --cluster</c> and <c>verify --cluster</c> call with the objects of a
/// <see cref="FakeCluster"/>, as the real server would: lists with kind and apiVersion, logs as
/// plain text honouring previous, tailLines and limitBytes, a 400 Status for a container that has
/// no such log, a 404 Status for what is not there (metrics.k8s.io without metrics-server), a 401
/// when the bearer token is not the expected one, and the WebSocket port-forward (v4.channel.k8s.io)
/// to a local port standing in for the pod.
/// </summary>
public sealed class FakeKubernetesApi : IAsyncDisposable
{
    public const string Token = "test-token-for-the-fake-api";

    const string Namespaced = "/api/v1/namespaces/{ns}";

    LoopbackServer _server = null!;
    int _portForwards;

    FakeKubernetesApi(FakeCluster cluster)
    {
        Cluster = cluster;
    }

    public FakeCluster Cluster { get; }

    /// <summary>The server's address, without a trailing slash.</summary>
    public string Url { get; private set; } = "";

    /// <summary>Every request's path and query, in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Every request's method, path and query, in order.</summary>
    public ConcurrentQueue<string> Calls { get; } = new();

    /// <summary>The local port a port-forward to any pod of the cluster reaches; none when null.</summary>
    public int? PortForwardTarget { get; set; }

    public int PortForwards => _portForwards;

    public static async Task<FakeKubernetesApi> StartAsync(FakeCluster cluster)
    {
        var api = new FakeKubernetesApi(cluster);
        api._server = await LoopbackServer.StartAsync(api.Map);
        api.Url = api._server.Url.ToString().TrimEnd('/');
        return api;
    }

    /// <summary>
    /// A kubeconfig with a context <paramref name="context"/> that reaches this server, as k3d
    /// writes one (without the certificates). With <paramref name="currentElsewhere"/>, its current
    /// context is a second one pointing at a port nobody listens on, so only an explicit --context
    /// finds this server.
    /// </summary>
    public string WriteKubeconfig(string folder, string context = "k3d-brokenprod", string token = Token, bool currentElsewhere = false)
    {
        var path = Path.Combine(folder, "kubeconfig");
        var elsewhere = currentElsewhere
            ? """
              - name: nowhere
                cluster:
                  server: http://127.0.0.1:9
              """ : "";
        var elsewhereContext = currentElsewhere
            ? """
              - name: nowhere
                context:
                  cluster: nowhere
                  user: tester
              """ : "";
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: {context}
              cluster:
                server: {Url}
            {elsewhere}
            contexts:
            - name: {context}
              context:
                cluster: {context}
                user: tester
                namespace: production
            {elsewhereContext}
            current-context: {(currentElsewhere ? "nowhere" : context)}
            preferences: {"{}"}
            users:
            - name: tester
              user:
                token: {token}
            """);
        return path;
    }

    void Map(WebApplication app)
    {
        app.UseWebSockets();
        app.Use(async (context, next) =>
        {
            Requests.Enqueue(context.Request.Path + context.Request.QueryString);
            Calls.Enqueue($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}");
            if (context.Request.Headers.Authorization != $"Bearer {Token}")
            {
                await Status(context, HttpStatusCode.Unauthorized, "Unauthorized", "Unauthorized");
                return;
            }
            await next(context);
        });
        app.MapGet("/apis/apps/v1/namespaces/{ns}/deployments", (HttpContext c, string ns) => List(c, "DeploymentList", "apps/v1", In(ns, Cluster.Deployments)));
        app.MapGet(Namespaced + "/services", (HttpContext c, string ns) => List(c, "ServiceList", "v1", In(ns, Cluster.Services)));
        app.MapGet(Namespaced + "/services/{name}", (HttpContext c, string ns, string name) =>
            In(ns, Cluster.Services).FirstOrDefault(s => s.Metadata.Name == name) is { } service
                ? Json(c, Cluster.AsServed(service))
                : Status(c, HttpStatusCode.NotFound, "NotFound", $"services \"{name}\" not found"));
        app.MapGet("/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices", (HttpContext c, string ns) => Cluster.ServesEndpointSlices
            ? List(c, "EndpointSliceList", "discovery.k8s.io/v1", In(ns, Cluster.EndpointSlices))
            : Status(c, HttpStatusCode.NotFound, "NotFound", "the server could not find the requested resource"));
        app.MapGet(Namespaced + "/endpoints", (HttpContext c, string ns) => List(c, "EndpointsList", "v1", In(ns, Cluster.Endpoints)));
        app.MapGet(Namespaced + "/pods", (HttpContext c, string ns, string? labelSelector) =>
            List(c, "PodList", "v1", In(ns, Cluster.Pods).Where(p => Matches(p, labelSelector))));
        app.MapGet("/apis/networking.k8s.io/v1/namespaces/{ns}/networkpolicies", (HttpContext c, string ns) => List(c, "NetworkPolicyList", "networking.k8s.io/v1", In(ns, Cluster.NetworkPolicies)));
        app.MapGet(Namespaced + "/events", (HttpContext c, string ns) => List(c, "EventList", "v1", In(ns, Cluster.Events)));
        app.MapGet(Namespaced + "/pods/{name}/log", (HttpContext c, string ns, string name) => Log(c, ns, name));
        app.MapGet("/apis/metrics.k8s.io/v1beta1/namespaces/{ns}/pods", (HttpContext c, string ns) => Cluster.Metrics is { } metrics
            ? Json(c, KubeObjects.List("PodMetricsList", "metrics.k8s.io/v1beta1", ns == FakeCluster.Namespace ? metrics : []))
            : Status(c, HttpStatusCode.NotFound, "NotFound", "the server could not find the requested resource"));
        app.Map(Namespaced + "/pods/{name}/portforward", (HttpContext c, string ns, string name) =>
            In(ns, Cluster.Pods).Any(p => p.Metadata.Name == name) && PortForwardTarget is { } port
                ? PortForwardRelay.RunAsync(c, port, () => Interlocked.Increment(ref _portForwards))
                : Status(c, HttpStatusCode.NotFound, "NotFound", $"pods \"{name}\" not found"));
        app.MapFallback((HttpContext c) => Status(c, HttpStatusCode.NotFound, "NotFound", "the server could not find the requested resource"));
    }

    static IEnumerable<T> In<T>(string ns, IEnumerable<T> items) => ns == FakeCluster.Namespace ? items : [];

    static bool Matches(V1Pod pod, string? labelSelector) =>
        string.IsNullOrEmpty(labelSelector) || labelSelector.Split(',').All(term =>
            pod.Metadata.Labels is { } labels && labels.TryGetValue(term.Split('=')[0], out var value) && value == term.Split('=')[1]);

    Task List<T>(HttpContext context, string kind, string apiVersion, IEnumerable<T> items) =>
        Json(context, KubeObjects.List(kind, apiVersion, items.Select(i => Cluster.AsServed(i!).AsObject())));

    static Task Json(HttpContext context, JsonNode node)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(node.ToJsonString());
    }

    static Task Status(HttpContext context, HttpStatusCode code, string reason, string message)
    {
        context.Response.StatusCode = (int)code;
        return Json(context, KubeObjects.Status((int)code, reason, message));
    }

    Task Log(HttpContext context, string ns, string name)
    {
        var pod = In(ns, Cluster.Pods).FirstOrDefault(p => p.Metadata.Name == name);
        if (pod is null)
        {
            return Status(context, HttpStatusCode.NotFound, "NotFound", $"pods \"{name}\" not found");
        }
        var query = context.Request.Query;
        var container = query["container"].FirstOrDefault() ?? pod.Spec.Containers[0].Name;
        var status = pod.Status.ContainerStatuses.Single(s => s.Name == container);
        var previous = query["previous"].FirstOrDefault() == "true";
        Cluster.Logs.TryGetValue((name, previous), out var log);
        if (previous && status.LastState?.Terminated is null)
        {
            return Status(context, HttpStatusCode.BadRequest, "BadRequest", $"previous terminated container \"{container}\" in pod \"{name}\" not found");
        }
        if (!previous && log is null && status.State.Waiting is { } waiting)
        {
            return Status(context, HttpStatusCode.BadRequest, "BadRequest", $"container \"{container}\" in pod \"{name}\" is waiting to start: {waiting.Reason}");
        }
        IEnumerable<string> lines = log ?? [];
        if (int.TryParse(query["tailLines"].FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var tail))
        {
            lines = lines.TakeLast(tail);
        }
        var text = string.Concat(lines.Select(l => l + "\n"));
        if (int.TryParse(query["limitBytes"].FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && Encoding.UTF8.GetByteCount(text) > limit)
        {
            text = Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text)[..limit]);
        }
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync(text);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
