using System.Globalization;
using System.Text.Json.Nodes;
using CloudMart.Catalog;
using k8s;
using k8s.Models;

namespace CloudMart.Testing.Kubernetes;

/// <summary>
/// The clusters <c>verify --cluster</c> is tried on, set by hand: the solution after ten quiet
/// minutes, and the lab as shipped a few minutes after it was applied. Their times are the real
/// clock's, so the API serves them shifted to the moment of each request.
/// </summary>
public sealed partial class FakeCluster
{
    /// <summary>The gateway pod's status for the Nth order (1-based).</summary>
    public Func<int, int> GatewayStatus { get; set; } = _ => 200;

    /// <summary>The services Tempo has spans from, for any trace the gateway pod handed out.</summary>
    public List<string> TracedServices { get; } = ServiceCatalog.Services.Select(s => s.Name).ToList();

    public static string PodName(string app, int index) => $"{app}-7d9c8b6f5-{(index == 0 ? "x2k4q" : "m8n3r")}";

    /// <summary>The solution's state after ten quiet minutes: every pod up, ready, never restarted.</summary>
    public static FakeCluster Healthy()
    {
        var cluster = new FakeCluster { Now = DateTime.UtcNow, ShiftTimesToNow = true };
        foreach (var component in ServiceCatalog.All)
        {
            var replicas = component == ServiceCatalog.Api || component == ServiceCatalog.Order ? 2 : 1;
            for (var i = 0; i < replicas; i++)
            {
                cluster.SetPod(component.Name, i, ContainerState.RunningFor(TimeSpan.FromMinutes(10), cluster.Now));
                cluster.Log(PodName(component.Name, i), previous: false, component == ServiceCatalog.Gateway
                    ? [.. Enumerable.Range(1, 3).Select(n => AccessLine(cluster.Now, 200, n))]
                    : [InfoLine(cluster.Now, component.Name, "Now listening on: http://[::]:" + component.ContainerPort),
                        InfoLine(cluster.Now, component.Name, "Created order ord-1: 1 x item-1"),
                        $$"""{"timestamp":"{{Stamp(cluster.Now)}}","level":"warn","service":"{{component.Name}}","message":"Notification failed; the order stands","category":"x"}"""]);
                cluster.Metrics!.Add(KubeObjects.PodMetrics(PodName(component.Name, i), component.Name, i == 0 ? "3m" : "1523417n", i == 0 ? "38Mi" : "41234Ki", cluster.Now));
            }
            cluster.Services.Add(KubernetesJson.Deserialize<V1Service>(KubeObjects.Service(component.Name,
                new Dictionary<string, string> { ["app"] = component.Name }, component.ServicePort, component.ContainerPort).ToJsonString()));
        }
        cluster.Route();
        return cluster;
    }

    /// <summary>
    /// The lab as shipped, as a cluster shows it a few minutes after <c>kubectl apply</c>: the
    /// symptoms of faults 1, 2, 4, 5 and 6, and no metrics-server.
    /// </summary>
    public static FakeCluster BrokenLab()
    {
        var cluster = Healthy();
        DateTimeOffset now = cluster.Now;
        // Fault 1: database-service crash-loops on its missing DB_NAME; the kubelet serves the last attempt's log.
        cluster.SetPod("database-service", 0, new ContainerState
        {
            Ready = false,
            RestartCount = 6,
            Waiting = ("CrashLoopBackOff", "back-off 2m40s restarting failed container=database-service pod=database-service-7d9c8b6f5-x2k4q_production"),
            LastTerminated = ("Error", 1, now.AddSeconds(-21), now.AddSeconds(-20)),
        });
        cluster.Logs[(PodName("database-service", 0), false)] =
            [$$"""{"timestamp":"{{Stamp(now.AddSeconds(-20))}}","level":"fatal","service":"database-service","message":"FATAL: DB_NAME is not set; expected the database's name, e.g. cloudmart-db","attributes":{"variable":"DB_NAME"} }"""];
        // Fault 2: notification-service's image tag does not exist.
        cluster.SetPod("notification-service", 0, new ContainerState
        {
            Ready = false,
            Waiting = ("ImagePullBackOff", $"Back-off pulling image \"{FaultValues.Of(2)}\""),
        }, phase: "Pending", image: FaultValues.Of(2));
        cluster.Logs.Remove((PodName("notification-service", 0), false));
        // Fault 4: api-service killed by its liveness probe over and over.
        cluster.SetPod("api-service", 1, new ContainerState
        {
            RestartCount = 7,
            RunningSince = now.AddSeconds(-25),
            LastTerminated = ("Error", 137, now.AddSeconds(-56), now.AddSeconds(-26)),
        });
        // Fault 6: auth-service OOM-killed under load.
        cluster.SetPod("auth-service", 0, new ContainerState
        {
            RestartCount = 2,
            RunningSince = now.AddSeconds(-50),
            LastTerminated = ("OOMKilled", 137, now.AddMinutes(-3), now.AddSeconds(-51)),
        }, memoryLimit: FaultValues.Of(6));
        // Fault 5: the gateway Service selects no pod.
        cluster.SetSelector("gateway", FaultValues.Of(5));
        cluster.Log(PodName("gateway", 0), previous: false, AccessLine(now, 502, 9),
            "2026/11/24 08:50:57 [error] 29#29: *41 connect() failed (111: Connection refused) while connecting to upstream, client: 10.42.0.1, upstream: \"http://10.43.0.5:3000/api/orders\"");
        cluster.Metrics = null;
        return cluster;
    }

    /// <summary>Puts (or replaces) the Nth pod of a Deployment in the given state, and routes the Services again.</summary>
    public void SetPod(string app, int index, ContainerState state, string phase = "Running", string? image = null, string memoryLimit = "128Mi")
    {
        var name = PodName(app, index);
        var pod = KubernetesJson.Deserialize<V1Pod>(KubeObjects.Pod(name, app, state, Now - TimeSpan.FromMinutes(15), phase, image, memoryLimit: memoryLimit).ToJsonString());
        var at = Pods.FindIndex(p => p.Metadata.Name == name);
        if (at < 0)
        {
            Pods.Add(pod);
        }
        else
        {
            Pods[at] = pod;
        }
        Route();
    }

    public void SetSelector(string service, string app)
    {
        Services.Single(s => s.Metadata.Name == service).Spec.Selector = new Dictionary<string, string> { ["app"] = app };
        Route();
    }

    public static string Stamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string InfoLine(DateTimeOffset now, string service, string message) =>
        $$"""{"timestamp":"{{Stamp(now)}}","level":"info","service":"{{service}}","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","message":"{{message}}","category":"CloudMart"}""";

    public static string AccessLine(DateTimeOffset now, int status, int n) =>
        $$"""{"timestamp":"{{Stamp(now)}}","level":"{{(status >= 500 ? "error" : "info")}}","service":"gateway","trace_id":"4bf92f3577b34da6a3ce929d0e0e473{{n % 10}}","request_id":"r{{n}}","message":"POST /api/orders {{status}}","method":"POST","uri":"/api/orders","status":{{status}},"request_time":0.012,"upstream_response_time":"0.011","upstream_status":"{{status}}","upstream_addr":"10.43.0.5:3000","bytes_sent":310,"request_length":180,"remote_addr":"127.0.0.1","user_agent":"curl/7.88.1","traceparent":""}""";

    /// <summary>
    /// The object as the API serves it now: with <see cref="ShiftTimesToNow"/>, every time in it
    /// moved forward by the time since <see cref="Now"/>.
    /// </summary>
    public JsonNode AsServed(object value)
    {
        var node = JsonNode.Parse(KubernetesJson.Serialize(value))!;
        if (ShiftTimesToNow)
        {
            Shift(node, DateTime.UtcNow - Now);
        }
        return node;
    }

    static void Shift(JsonNode? node, TimeSpan shift)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj.ToList())
                {
                    if (child is JsonValue value && value.TryGetValue<string>(out var text) && text.Length >= 20 && text[10] == 'T' && text.EndsWith('Z')
                        && DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time))
                    {
                        obj[key] = (time + shift).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                    }
                    else
                    {
                        Shift(child, shift);
                    }
                }
                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Shift(item, shift);
                }
                break;
        }
    }
}
