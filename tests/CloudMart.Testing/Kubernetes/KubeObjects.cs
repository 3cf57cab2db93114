using System.Globalization;
using System.Text.Json.Nodes;
using CloudMart.Catalog;

namespace CloudMart.Testing.Kubernetes;

/// <summary>The state of one container, as a pod's status reports it.</summary>
public sealed record ContainerState
{
    public bool Ready { get; init; } = true;

    public int RestartCount { get; init; }

    /// <summary>When the current container started; null when it is not running.</summary>
    public DateTimeOffset? RunningSince { get; init; }

    /// <summary>Why it is waiting (CrashLoopBackOff, ImagePullBackOff...), with the kubelet's message.</summary>
    public (string Reason, string Message)? Waiting { get; init; }

    /// <summary>How the previous container ended: lastState.terminated.</summary>
    public (string Reason, int ExitCode, DateTimeOffset StartedAt, DateTimeOffset FinishedAt)? LastTerminated { get; init; }

    public static ContainerState RunningFor(TimeSpan age, DateTimeOffset now) => new() { RunningSince = now - age };
}

/// <summary>
/// Kubernetes objects as the API server returns them in JSON (the shape of <c>kubectl get -o json</c>),
/// for the stand-in API server: pods of the lab's Deployments, Services, EndpointSlices, pod metrics.
/// </summary>
public static class KubeObjects
{
    public const string Namespace = ServiceCatalog.Namespace;

    static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static JsonObject Pod(string name, string app, ContainerState state, DateTimeOffset created, string phase = "Running",
        string? image = null, int? port = null, string cpuLimit = "500m", string memoryLimit = "128Mi")
    {
        var spec = ServiceCatalog.Find(app);
        var containerPort = port ?? spec.ContainerPort;
        var stateNode = state switch
        {
            { Waiting: { } waiting } => new JsonObject { ["waiting"] = new JsonObject { ["reason"] = waiting.Reason, ["message"] = waiting.Message } },
            { RunningSince: { } since } => new JsonObject { ["running"] = new JsonObject { ["startedAt"] = Time(since) } },
            _ => new JsonObject { ["waiting"] = new JsonObject { ["reason"] = "ContainerCreating" } },
        };
        var lastState = state.LastTerminated is { } last
            ? new JsonObject
            {
                ["terminated"] = new JsonObject
                {
                    ["exitCode"] = last.ExitCode,
                    ["reason"] = last.Reason,
                    ["startedAt"] = Time(last.StartedAt),
                    ["finishedAt"] = Time(last.FinishedAt),
                    ["containerID"] = "containerd://" + new string('a', 64),
                },
            }
            : new JsonObject();
        var ready = state.Ready && state.RunningSince is not null;
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = Metadata(name, "4711", Time(created), new()
            {
                ["generateName"] = name[..(name.LastIndexOf('-') + 1)],
                ["labels"] = new JsonObject { ["app"] = app, ["pod-template-hash"] = "7d9c8b6f5" },
                ["ownerReferences"] = new JsonArray(new JsonObject
                {
                    ["apiVersion"] = "apps/v1", ["kind"] = "ReplicaSet", ["name"] = $"{app}-7d9c8b6f5",
                    ["uid"] = Guid.NewGuid().ToString(), ["controller"] = true, ["blockOwnerDeletion"] = true,
                }),
            }),
            ["spec"] = new JsonObject
            {
                ["containers"] = new JsonArray(new JsonObject
                {
                    ["name"] = app,
                    ["image"] = image ?? $"{app}:latest",
                    ["imagePullPolicy"] = "IfNotPresent",
                    ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["containerPort"] = containerPort, ["protocol"] = "TCP" }),
                    ["resources"] = new JsonObject
                    {
                        ["limits"] = new JsonObject { ["cpu"] = cpuLimit, ["memory"] = memoryLimit },
                        ["requests"] = new JsonObject { ["cpu"] = "50m", ["memory"] = "32Mi" },
                    },
                    ["readinessProbe"] = new JsonObject
                    {
                        ["httpGet"] = new JsonObject { ["path"] = "/health", ["port"] = containerPort, ["scheme"] = "HTTP" },
                        ["periodSeconds"] = 5, ["timeoutSeconds"] = 1, ["successThreshold"] = 1, ["failureThreshold"] = 3,
                    },
                }),
                ["restartPolicy"] = "Always",
                ["nodeName"] = "k3d-brokenprod-server-0",
                ["serviceAccountName"] = "default",
            },
            ["status"] = new JsonObject
            {
                ["phase"] = phase,
                ["hostIP"] = "172.18.0.2",
                ["podIP"] = $"10.42.0.{Math.Abs(name.GetHashCode(StringComparison.Ordinal)) % 200 + 10}",
                ["startTime"] = Time(created),
                ["conditions"] = new JsonArray(
                    Condition("Initialized", true, created),
                    Condition("Ready", ready, state.RunningSince ?? created),
                    Condition("ContainersReady", ready, state.RunningSince ?? created),
                    Condition("PodScheduled", true, created)),
                ["containerStatuses"] = new JsonArray(new JsonObject
                {
                    ["name"] = app,
                    ["image"] = image ?? $"docker.io/library/{app}:latest",
                    ["imageID"] = "",
                    ["containerID"] = state.RunningSince is null ? null : "containerd://" + new string('b', 64),
                    ["ready"] = ready,
                    ["started"] = state.RunningSince is not null,
                    ["restartCount"] = state.RestartCount,
                    ["state"] = stateNode,
                    ["lastState"] = lastState,
                }),
            },
        };
    }

    static JsonObject Condition(string type, bool status, DateTimeOffset when) => new()
    {
        ["type"] = type,
        ["status"] = status ? "True" : "False",
        ["lastProbeTime"] = null,
        ["lastTransitionTime"] = Time(when),
    };

    public static JsonObject Service(string name, IReadOnlyDictionary<string, string> selector, int port, int targetPort) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Service",
        ["metadata"] = Metadata(name, "812", "2026-01-01T10:00:00Z"),
        ["spec"] = new JsonObject
        {
            ["type"] = "ClusterIP",
            ["clusterIP"] = "10.43.12.7",
            ["clusterIPs"] = new JsonArray("10.43.12.7"),
            ["selector"] = new JsonObject(selector.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["protocol"] = "TCP", ["port"] = port, ["targetPort"] = targetPort }),
            ["sessionAffinity"] = "None",
        },
        ["status"] = new JsonObject { ["loadBalancer"] = new JsonObject() },
    };

    /// <summary>The EndpointSlice the control plane keeps for a Service: one endpoint per selected pod, with its readiness.</summary>
    public static JsonObject EndpointSlice(string service, int port, IEnumerable<(string Pod, string Ip, bool Ready)> endpoints)
    {
        var list = endpoints.ToList();
        return new JsonObject
        {
            ["apiVersion"] = "discovery.k8s.io/v1",
            ["kind"] = "EndpointSlice",
            ["metadata"] = new JsonObject
            {
                ["name"] = $"{service}-x7k2p",
                ["namespace"] = Namespace,
                ["generateName"] = $"{service}-",
                ["labels"] = new JsonObject
                {
                    ["kubernetes.io/service-name"] = service,
                    ["endpointslice.kubernetes.io/managed-by"] = "endpointslice-controller.k8s.io",
                },
            },
            ["addressType"] = "IPv4",
            // The control plane leaves the list out (null) when the selector matches nothing.
            ["endpoints"] = list.Count == 0 ? null : new JsonArray(list.Select(e => (JsonNode)new JsonObject
            {
                ["addresses"] = new JsonArray(e.Ip),
                ["conditions"] = new JsonObject { ["ready"] = e.Ready, ["serving"] = e.Ready, ["terminating"] = false },
                ["nodeName"] = "k3d-brokenprod-server-0",
                ["targetRef"] = new JsonObject { ["kind"] = "Pod", ["name"] = e.Pod, ["namespace"] = Namespace },
            }).ToArray()),
            ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = port, ["protocol"] = "TCP" }),
        };
    }

    /// <summary>One pod's figures from metrics-server (metrics.k8s.io/v1beta1 PodMetrics).</summary>
    public static JsonObject PodMetrics(string pod, string container, string cpu, string memory, DateTimeOffset now) => new()
    {
        ["metadata"] = new JsonObject
        {
            ["name"] = pod,
            ["namespace"] = Namespace,
            ["creationTimestamp"] = Time(now),
            ["labels"] = new JsonObject { ["app"] = container },
        },
        ["timestamp"] = Time(now - TimeSpan.FromSeconds(7)),
        ["window"] = "10.5s",
        ["containers"] = new JsonArray(new JsonObject
        {
            ["name"] = container,
            ["usage"] = new JsonObject { ["cpu"] = cpu, ["memory"] = memory },
        }),
    };

    public static JsonObject List(string kind, string apiVersion, IEnumerable<JsonObject> items) => new()
    {
        ["kind"] = kind,
        ["apiVersion"] = apiVersion,
        ["metadata"] = new JsonObject { ["resourceVersion"] = "90210" },
        ["items"] = new JsonArray(items.Select(i => (JsonNode)i.DeepClone()).ToArray()),
    };

    /// <summary>The metadata every stored object of the namespace carries (a fresh uid each time), and what else the kind adds.</summary>
    static JsonObject Metadata(string name, string resourceVersion, string created, JsonObject? more = null)
    {
        var metadata = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = Namespace,
            ["uid"] = Guid.NewGuid().ToString(),
            ["resourceVersion"] = resourceVersion,
            ["creationTimestamp"] = created,
        };
        foreach (var (key, value) in more ?? new JsonObject())
        {
            metadata[key] = value?.DeepClone();
        }
        return metadata;
    }

    /// <summary>The API server's error body (a v1 Status), as for a 404.</summary>
    public static JsonObject Status(int code, string reason, string message) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Failure",
        ["message"] = message,
        ["reason"] = reason,
        ["code"] = code,
    };
}
