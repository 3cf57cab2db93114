using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CloudMart.Diagnosis.Tests.Live;

/// <summary>
/// A stand-in for a Kubernetes API server on 127.0.0.1 (a free port), answering the read-only
/// paths <c>cloudmart diagnose --cluster</c> calls with the objects of a <see cref="FakeCluster"/>,
/// as the real server would: lists with kind and apiVersion, logs as plain text honouring
/// previous, tailLines and limitBytes, a 400 Status for a container that has no such log, and a
/// 401 when the bearer token is not the expected one.
/// </summary>
public sealed class FakeKubernetesApi : IAsyncDisposable
{
    public const string Token = "test-token-for-the-fake-api";

    readonly WebApplication _app;

    FakeKubernetesApi(WebApplication app, FakeCluster cluster)
    {
        _app = app;
        Cluster = cluster;
    }

    public FakeCluster Cluster { get; }

    public string Url { get; private set; } = "";

    /// <summary>Every request's path and query, in order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    public static async Task<FakeKubernetesApi> StartAsync(FakeCluster cluster)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var api = new FakeKubernetesApi(app, cluster);
        app.Use(async (context, next) =>
        {
            api.Requests.Enqueue(context.Request.Path + context.Request.QueryString);
            if (context.Request.Headers.Authorization != $"Bearer {Token}")
            {
                await Status(context, HttpStatusCode.Unauthorized, "Unauthorized", "Unauthorized");
                return;
            }
            await next(context);
        });
        app.MapGet("/apis/apps/v1/namespaces/{ns}/deployments", (HttpContext c, string ns) =>
            Json(c, new V1DeploymentList { ApiVersion = "apps/v1", Kind = "DeploymentList", Metadata = new V1ListMeta { ResourceVersion = "4711" }, Items = In(ns, cluster.Deployments) }));
        app.MapGet("/api/v1/namespaces/{ns}/services", (HttpContext c, string ns) =>
            Json(c, new V1ServiceList { ApiVersion = "v1", Kind = "ServiceList", Metadata = new V1ListMeta { ResourceVersion = "4711" }, Items = In(ns, cluster.Services) }));
        app.MapGet("/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices", (HttpContext c, string ns) =>
            Json(c, new V1EndpointSliceList { ApiVersion = "discovery.k8s.io/v1", Kind = "EndpointSliceList", Metadata = new V1ListMeta { ResourceVersion = "4711" }, Items = In(ns, cluster.EndpointSlices) }));
        app.MapGet("/api/v1/namespaces/{ns}/pods", (HttpContext c, string ns) =>
            Json(c, new V1PodList { ApiVersion = "v1", Kind = "PodList", Metadata = new V1ListMeta { ResourceVersion = "4711" }, Items = In(ns, cluster.Pods) }));
        app.MapGet("/api/v1/namespaces/{ns}/events", (HttpContext c, string ns) =>
            Json(c, new Corev1EventList { ApiVersion = "v1", Kind = "EventList", Metadata = new V1ListMeta { ResourceVersion = "4711" }, Items = In(ns, cluster.Events) }));
        app.MapGet("/api/v1/namespaces/{ns}/pods/{name}/log", (HttpContext c, string ns, string name) => Log(c, cluster, ns, name));
        app.MapFallback((HttpContext c) => Status(c, HttpStatusCode.NotFound, "NotFound", "the server could not find the requested resource"));
        await app.StartAsync();
        api.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return api;
    }

    /// <summary>A kubeconfig whose context <paramref name="context"/> reaches this server; its current context points elsewhere, so only an explicit --context finds it.</summary>
    public string WriteKubeconfig(string folder, string context = "fake", string token = Token)
    {
        var path = Path.Combine(folder, "kubeconfig");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {Url}
            - name: nowhere
              cluster:
                server: http://127.0.0.1:9
            contexts:
            - name: {context}
              context:
                cluster: fake
                user: tester
                namespace: production
            - name: nowhere
              context:
                cluster: nowhere
                user: tester
            current-context: nowhere
            users:
            - name: tester
              user:
                token: {token}
            """);
        return path;
    }

    static List<T> In<T>(string ns, List<T> items) where T : IKubernetesObject<V1ObjectMeta> =>
        ns == FakeCluster.Namespace ? items : [];

    static Task Json(HttpContext context, object value)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(KubernetesJson.Serialize(value));
    }

    static Task Status(HttpContext context, HttpStatusCode code, string reason, string message)
    {
        // The client's V1Status converter only reads, so the Status object is written by hand.
        context.Response.StatusCode = (int)code;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new Dictionary<string, object>(),
            ["status"] = "Failure", ["message"] = message, ["reason"] = reason, ["code"] = (int)code,
        }));
    }

    static Task Log(HttpContext context, FakeCluster cluster, string ns, string name)
    {
        var pod = ns == FakeCluster.Namespace ? cluster.Pods.FirstOrDefault(p => p.Metadata.Name == name) : null;
        if (pod is null)
        {
            return Status(context, HttpStatusCode.NotFound, "NotFound", $"pods \"{name}\" not found");
        }
        var query = context.Request.Query;
        var container = query["container"].FirstOrDefault() ?? pod.Spec.Containers[0].Name;
        var status = pod.Status.ContainerStatuses.Single(s => s.Name == container);
        var previous = query["previous"].FirstOrDefault() == "true";
        if (previous && status.LastState?.Terminated is null)
        {
            return Status(context, HttpStatusCode.BadRequest, "BadRequest", $"previous terminated container \"{container}\" in pod \"{name}\" not found");
        }
        if (!previous && status.State.Waiting is { } waiting)
        {
            return Status(context, HttpStatusCode.BadRequest, "BadRequest", $"container \"{container}\" in pod \"{name}\" is waiting to start: {waiting.Reason}");
        }
        IEnumerable<string> lines = cluster.Logs.GetValueOrDefault((name, previous)) ?? [];
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

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
