using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CloudMart.Catalog;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using CloudMart.TestSupport;

namespace CloudMart.Cli.Tests.Support;

/// <summary>
/// What the stand-in cluster holds: the lab's pods, Services, logs and metrics, the way the gateway
/// pod answers orders, and which services' spans Tempo has. Starts healthy; tests break it.
/// EndpointSlices are derived from the Services' selectors and the pods' readiness, as the
/// control plane does.
/// </summary>
public sealed class ClusterScenario
{
    public DateTimeOffset Now { get; } = DateTimeOffset.UtcNow;

    public Dictionary<string, JsonObject> Pods { get; } = [];

    public Dictionary<string, JsonObject> Services { get; } = [];

    /// <summary>Each pod's log text, by pod name.</summary>
    public Dictionary<string, string> Logs { get; } = [];

    /// <summary>PodMetrics items; null when metrics-server is not installed (the API answers 404).</summary>
    public List<JsonObject>? Metrics { get; set; } = [];

    /// <summary>The gateway pod's status for the Nth order (1-based).</summary>
    public Func<int, int> GatewayStatus { get; set; } = _ => 200;

    /// <summary>The services Tempo has spans from, for any trace the gateway pod handed out.</summary>
    public List<string> TracedServices { get; } = ServiceCatalog.Services.Select(s => s.Name).ToList();

    public static string PodName(string app, int index) => $"{app}-7d9c8b6f5-{(index == 0 ? "x2k4q" : "m8n3r")}";

    /// <summary>The solution's state after ten quiet minutes: every pod up, ready, never restarted.</summary>
    public static ClusterScenario Healthy()
    {
        var scenario = new ClusterScenario();
        foreach (var component in ServiceCatalog.All)
        {
            var replicas = component == ServiceCatalog.Api || component == ServiceCatalog.Order ? 2 : 1;
            for (var i = 0; i < replicas; i++)
            {
                scenario.SetPod(component.Name, i, ContainerState.RunningFor(TimeSpan.FromMinutes(10), scenario.Now));
                scenario.Logs[PodName(component.Name, i)] = component == ServiceCatalog.Gateway
                    ? string.Join('\n', Enumerable.Range(1, 3).Select(n => AccessLine(scenario.Now, 200, n)))
                    : string.Join('\n', InfoLine(scenario.Now, component.Name, "Now listening on: http://[::]:" + component.ContainerPort),
                        InfoLine(scenario.Now, component.Name, "Created order ord-1: 1 x item-1"),
                        $$"""{"timestamp":"{{Stamp(scenario.Now)}}","level":"warn","service":"{{component.Name}}","message":"Notification failed; the order stands","category":"x"}""");
                scenario.Metrics!.Add(KubeObjects.PodMetrics(PodName(component.Name, i), component.Name, i == 0 ? "3m" : "1523417n", i == 0 ? "38Mi" : "41234Ki", scenario.Now));
            }
            scenario.Services[component.Name] = KubeObjects.Service(component.Name, new Dictionary<string, string> { ["app"] = component.Name },
                component.ContainerPort, component.ContainerPort);
        }
        return scenario;
    }

    /// <summary>
    /// The lab as shipped, as a cluster shows it a few minutes after <c>kubectl apply</c>: the
    /// symptoms of faults 1, 2, 4, 5 and 6, and no metrics-server.
    /// </summary>
    public static ClusterScenario BrokenLab()
    {
        var scenario = Healthy();
        var now = scenario.Now;
        // Fault 1: database-service crash-loops on its missing DB_NAME.
        scenario.SetPod("database-service", 0, new ContainerState
        {
            Ready = false,
            RestartCount = 6,
            Waiting = ("CrashLoopBackOff", "back-off 2m40s restarting failed container=database-service pod=database-service-7d9c8b6f5-x2k4q_production"),
            LastTerminated = ("Error", 1, now.AddSeconds(-21), now.AddSeconds(-20)),
        });
        scenario.Logs["database-service-7d9c8b6f5-x2k4q"] =
            $$"""{"timestamp":"{{Stamp(now.AddSeconds(-20))}}","level":"fatal","service":"database-service","message":"FATAL: DB_NAME is not set; expected the database's name, e.g. cloudmart-db","attributes":{"variable":"DB_NAME"} }""";
        // Fault 2: notification-service's image tag does not exist.
        scenario.SetPod("notification-service", 0, new ContainerState
        {
            Ready = false,
            Waiting = ("ImagePullBackOff", "Back-off pulling image \"notification-service:v2.0\""),
        }, phase: "Pending", image: "notification-service:v2.0");
        scenario.Logs.Remove("notification-service-7d9c8b6f5-x2k4q");
        // Fault 4: api-service killed by its liveness probe over and over.
        scenario.SetPod("api-service", 1, new ContainerState
        {
            RestartCount = 7,
            RunningSince = now.AddSeconds(-25),
            LastTerminated = ("Error", 137, now.AddSeconds(-56), now.AddSeconds(-26)),
        });
        // Fault 6: auth-service OOM-killed under load.
        scenario.SetPod("auth-service", 0, new ContainerState
        {
            RestartCount = 2,
            RunningSince = now.AddSeconds(-50),
            LastTerminated = ("OOMKilled", 137, now.AddMinutes(-3), now.AddSeconds(-51)),
        }, memoryLimit: "64Mi");
        // Fault 5: the gateway Service selects no pod.
        scenario.SetSelector("gateway", "nginx-gateway");
        scenario.Logs["gateway-7d9c8b6f5-x2k4q"] += "\n" + AccessLine(now, 502, 9)
            + "\n2026/11/24 08:50:57 [error] 29#29: *41 connect() failed (111: Connection refused) while connecting to upstream, client: 10.42.0.1, upstream: \"http://10.43.0.5:3000/api/orders\"";
        scenario.Metrics = null;
        return scenario;
    }

    public void SetPod(string app, int index, ContainerState state, string phase = "Running", string? image = null, string memoryLimit = "128Mi") =>
        Pods[PodName(app, index)] = KubeObjects.Pod(PodName(app, index), app, state, Now - TimeSpan.FromMinutes(15), phase, image, memoryLimit: memoryLimit);

    public void SetSelector(string service, string app) =>
        Services[service]["spec"]!["selector"] = new JsonObject { ["app"] = app };

    public static string Stamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public static string InfoLine(DateTimeOffset now, string service, string message) =>
        $$"""{"timestamp":"{{Stamp(now)}}","level":"info","service":"{{service}}","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","message":"{{message}}","category":"CloudMart"}""";

    public static string AccessLine(DateTimeOffset now, int status, int n) =>
        $$"""{"timestamp":"{{Stamp(now)}}","level":"{{(status >= 500 ? "error" : "info")}}","service":"gateway","trace_id":"4bf92f3577b34da6a3ce929d0e0e473{{n % 10}}","request_id":"r{{n}}","message":"POST /api/orders {{status}}","method":"POST","uri":"/api/orders","status":{{status}},"request_time":0.012,"upstream_response_time":"0.011","upstream_status":"{{status}}","upstream_addr":"10.43.0.5:3000","bytes_sent":310,"request_length":180,"remote_addr":"127.0.0.1","user_agent":"curl/7.88.1","traceparent":""}""";

    /// <summary>The EndpointSlices the control plane would keep for the Services and pods as they are now.</summary>
    public IEnumerable<JsonObject> EndpointSlices() => Services.Values.Select(service =>
    {
        var name = service["metadata"]!["name"]!.GetValue<string>();
        var selector = service["spec"]!["selector"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
        var port = service["spec"]!["ports"]![0]!["targetPort"]!.GetValue<int>();
        var selected = Pods.Values.Where(pod => selector.All(s => pod["metadata"]!["labels"]![s.Key]?.GetValue<string>() == s.Value));
        return KubeObjects.EndpointSlice(name, port, selected.Select(pod => (
            pod["metadata"]!["name"]!.GetValue<string>(),
            pod["status"]!["podIP"]!.GetValue<string>(),
            pod["status"]!["containerStatuses"]![0]!["ready"]!.GetValue<bool>())));
    });
}

/// <summary>
/// A stand-in Kubernetes API server (the paths <c>verify --cluster</c> calls, WebSocket
/// port-forward included), a stand-in gateway pod behind the port-forward, and a stand-in Tempo,
/// each a Kestrel server on 127.0.0.1.
/// </summary>
public sealed class FakeCluster : IAsyncDisposable
{
    readonly ConcurrentQueue<string> _requests = new();
    readonly ConcurrentDictionary<string, byte> _traces = new();
    int _orders;
    int _portForwards;

    FakeCluster(ClusterScenario scenario)
    {
        Scenario = scenario;
    }

    public ClusterScenario Scenario { get; }

    public LoopbackServer Api { get; private set; } = null!;

    public LoopbackServer GatewayPod { get; private set; } = null!;

    public LoopbackServer Tempo { get; private set; } = null!;

    /// <summary>Every API request: method, path and query.</summary>
    public IReadOnlyCollection<string> Requests => _requests;

    public int PortForwards => _portForwards;

    public int OrdersReceived => _orders;

    public static async Task<FakeCluster> StartAsync(ClusterScenario scenario)
    {
        var cluster = new FakeCluster(scenario);
        cluster.GatewayPod = await LoopbackServer.StartAsync(app => app.MapPost("/api/orders", new Func<HttpContext, Task<IResult>>(cluster.OrderAsync)));
        cluster.Tempo = await LoopbackServer.StartAsync(app => app.MapGet("/api/traces/{id}", cluster.Trace));
        cluster.Api = await LoopbackServer.StartAsync(cluster.MapApi);
        return cluster;
    }

    /// <summary>A kubeconfig whose current context is this cluster, as k3d writes one (without the certificates).</summary>
    public string WriteKubeconfig(string folder, string context = "k3d-brokenprod")
    {
        var path = Path.Combine(folder, "kubeconfig");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: {context}
              cluster:
                server: {Api.Url.ToString().TrimEnd('/')}
            contexts:
            - name: {context}
              context:
                cluster: {context}
                user: admin@{context}
            current-context: {context}
            preferences: {"{}"}
            users:
            - name: admin@{context}
              user:
                token: not-a-real-token
            """);
        return path;
    }

    void MapApi(WebApplication app)
    {
        app.UseWebSockets();
        app.Use(async (context, next) =>
        {
            _requests.Enqueue($"{context.Request.Method} {context.Request.Path}{context.Request.QueryString}");
            await next(context);
        });
        const string ns = "/api/v1/namespaces/{ns}";
        app.MapGet(ns + "/pods", (string ns, string? labelSelector) =>
        {
            var pods = Scenario.Pods.Values.Where(p => Matches(p, labelSelector)).Select(AsOfNow);
            return Json(KubeObjects.List("PodList", "v1", pods));
        });
        app.MapGet(ns + "/services", (string ns) => Json(KubeObjects.List("ServiceList", "v1", Scenario.Services.Values)));
        app.MapGet(ns + "/services/{name}", (string ns, string name) => Scenario.Services.TryGetValue(name, out var service)
            ? Json(service)
            : Json(KubeObjects.Status(404, "NotFound", $"services \"{name}\" not found"), 404));
        app.MapGet("/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices", (string ns) =>
            Json(KubeObjects.List("EndpointSliceList", "discovery.k8s.io/v1", Scenario.EndpointSlices())));
        app.MapGet(ns + "/pods/{name}/log", (string ns, string name, string? container, int? sinceSeconds) =>
            Scenario.Logs.TryGetValue(name, out var log)
                ? Results.Text(log + "\n", "text/plain")
                : Json(KubeObjects.Status(400, "BadRequest", $"container \"{container}\" in pod \"{name}\" is waiting to start: trying and failing to pull image"), 400));
        app.MapGet("/apis/metrics.k8s.io/v1beta1/namespaces/{ns}/pods", (string ns) => Scenario.Metrics is { } metrics
            ? Json(KubeObjects.List("PodMetricsList", "metrics.k8s.io/v1beta1", metrics))
            : Json(KubeObjects.Status(404, "NotFound", "the server could not find the requested resource"), 404));
        app.Map(ns + "/pods/{name}/portforward", PortForwardAsync);
    }

    /// <summary>
    /// The pod with its times moved forward by the time since the scenario was made, so the ages
    /// the tool computes (since a start, since a restart) are the ones the test set, however long
    /// the machine took to get here.
    /// </summary>
    JsonObject AsOfNow(JsonObject pod)
    {
        var shift = DateTimeOffset.UtcNow - Scenario.Now;
        var copy = pod.DeepClone().AsObject();
        Shift(copy, shift);
        return copy;
    }

    static void Shift(JsonNode? node, TimeSpan shift)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj.ToList())
                {
                    if (child is JsonValue value && value.TryGetValue<string>(out var text)
                        && DateTimeOffset.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture,
                            System.Globalization.DateTimeStyles.AssumeUniversal, out var time))
                    {
                        obj[key] = (time + shift).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
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

    static IResult Json(JsonNode node, int status = 200) =>
        Results.Content(node.ToJsonString(), "application/json", Encoding.UTF8, status);

    static bool Matches(JsonObject pod, string? labelSelector) =>
        string.IsNullOrEmpty(labelSelector) || labelSelector.Split(',').All(term =>
        {
            var (key, value) = (term.Split('=')[0], term.Split('=')[1]);
            return pod["metadata"]!["labels"]![key]?.GetValue<string>() == value;
        });

    /// <summary>
    /// The API server's side of a v4.channel.k8s.io port-forward: announces the port on the data
    /// and error channels, then relays channel 0 to and from the pod (here, the stand-in gateway pod).
    /// </summary>
    async Task PortForwardAsync(HttpContext context, string ns, string name)
    {
        if (!context.WebSockets.IsWebSocketRequest || !context.WebSockets.WebSocketRequestedProtocols.Contains("v4.channel.k8s.io"))
        {
            context.Response.StatusCode = 400;
            return;
        }
        if (!Scenario.Pods.ContainsKey(name))
        {
            context.Response.StatusCode = 404;
            return;
        }
        Interlocked.Increment(ref _portForwards);
        var port = int.Parse(context.Request.Query["ports"].ToString(), System.Globalization.CultureInfo.InvariantCulture);
        using var socket = await context.WebSockets.AcceptWebSocketAsync("v4.channel.k8s.io");
        var prefix = new[] { (byte)(port & 0xff), (byte)(port >> 8) };
        await socket.SendAsync(new byte[] { 0, prefix[0], prefix[1] }, WebSocketMessageType.Binary, true, context.RequestAborted);
        await socket.SendAsync(new byte[] { 1, prefix[0], prefix[1] }, WebSocketMessageType.Binary, true, context.RequestAborted);

        using var pod = new TcpClient();
        await pod.ConnectAsync(IPAddress.Loopback, GatewayPod.Url.Port);
        var stream = pod.GetStream();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var toPod = Task.Run(async () =>
        {
            var buffer = new byte[64 * 1024];
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, stop.Token);
                if (result.MessageType == WebSocketMessageType.Close || result.Count == 0)
                {
                    return;
                }
                if (buffer[0] == 0)
                {
                    await stream.WriteAsync(buffer.AsMemory(1, result.Count - 1), stop.Token);
                }
            }
        });
        var fromPod = Task.Run(async () =>
        {
            var buffer = new byte[1 + 16 * 1024];
            while (true)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(1), stop.Token);
                if (read == 0)
                {
                    return;
                }
                await socket.SendAsync(buffer.AsMemory(0, read + 1), WebSocketMessageType.Binary, true, stop.Token);
            }
        });
        await Task.WhenAny(toPod, fromPod);
        await stop.CancelAsync();
        try
        {
            await Task.WhenAll(toPod, fromPod);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or WebSocketException)
        {
        }
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            }
            catch (Exception ex) when (ex is WebSocketException or IOException)
            {
            }
        }
    }

    /// <summary>The gateway pod: answers each order with the scenario's status and a traceparent header, as nginx in front of the api-service does.</summary>
    async Task<IResult> OrderAsync(HttpContext context)
    {
        var number = Interlocked.Increment(ref _orders);
        using var reader = new StreamReader(context.Request.Body);
        var body = JsonNode.Parse(await reader.ReadToEndAsync())!;
        var traceId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _traces.TryAdd(traceId, 0);
        context.Response.Headers["traceparent"] = $"00-{traceId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}-01";
        var status = Scenario.GatewayStatus(number);
        if (status == 200)
        {
            return Results.Json(new JsonObject
            {
                ["success"] = true,
                ["order"] = new JsonObject { ["id"] = $"ord-{number}", ["item"] = body["item"]!.GetValue<string>(), ["quantity"] = 1, ["timestamp"] = ClusterScenario.Stamp(DateTimeOffset.UtcNow) },
                ["message"] = "Order created successfully",
            });
        }
        return Results.Json(new JsonObject
        {
            ["type"] = "https://httpwg.org/specs/rfc9110.html#status.500",
            ["title"] = "Order not created",
            ["status"] = status,
            ["detail"] = "order-service: POST http://database-service:8080/store failed: 500 Internal Server Error (injected failure)",
        }, statusCode: status, contentType: "application/problem+json");
    }

    /// <summary>Tempo's trace by id, in its v1 API shape: OTLP JSON with the resources under "batches".</summary>
    IResult Trace(string id)
    {
        if (!_traces.ContainsKey(id))
        {
            return Results.Text("trace not found", "text/plain", statusCode: 404);
        }
        var batches = new JsonArray(Scenario.TracedServices.Select((service, i) => (JsonNode)new JsonObject
        {
            ["resource"] = new JsonObject
            {
                ["attributes"] = new JsonArray(
                    new JsonObject { ["key"] = "service.name", ["value"] = new JsonObject { ["stringValue"] = service } },
                    new JsonObject { ["key"] = "telemetry.sdk.language", ["value"] = new JsonObject { ["stringValue"] = "dotnet" } }),
            },
            ["scopeSpans"] = new JsonArray(new JsonObject
            {
                ["scope"] = new JsonObject { ["name"] = "Microsoft.AspNetCore" },
                ["spans"] = new JsonArray(Enumerable.Range(0, i == 0 ? 3 : 1).Select(n => (JsonNode)new JsonObject
                {
                    ["traceId"] = Convert.ToBase64String(Convert.FromHexString(id)),
                    ["spanId"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(8)),
                    ["name"] = n == 0 ? "POST /orders" : "POST",
                    ["kind"] = n == 0 ? "SPAN_KIND_SERVER" : "SPAN_KIND_CLIENT",
                    ["startTimeUnixNano"] = "1764000000000000000",
                    ["endTimeUnixNano"] = "1764000000012000000",
                }).ToArray()),
            }),
        }).ToArray());
        return Results.Content(new JsonObject { ["batches"] = batches }.ToJsonString(), "application/json");
    }

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        await GatewayPod.DisposeAsync();
        await Tempo.DisposeAsync();
    }
}
