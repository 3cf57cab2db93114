using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CloudMart.Testing.Kubernetes;

/// <summary>
/// What <c>verify --cluster</c> talks to: the stand-in API server, a stand-in gateway pod behind its
/// port-forward (answering orders with the cluster's <see cref="FakeCluster.GatewayStatus"/>), and a
/// stand-in Tempo holding a trace for each order, each a Kestrel server on 127.0.0.1.
/// </summary>
public sealed class ClusterStandIn : IAsyncDisposable
{
    readonly ConcurrentDictionary<string, byte> _traces = new();
    int _orders;

    ClusterStandIn(FakeCluster cluster)
    {
        Cluster = cluster;
    }

    public FakeCluster Cluster { get; }

    public FakeKubernetesApi Api { get; private set; } = null!;

    public LoopbackServer GatewayPod { get; private set; } = null!;

    public LoopbackServer Tempo { get; private set; } = null!;

    /// <summary>Every API request: method, path and query.</summary>
    public IReadOnlyCollection<string> Requests => Api.Calls;

    public int PortForwards => Api.PortForwards;

    public int OrdersReceived => _orders;

    public static async Task<ClusterStandIn> StartAsync(FakeCluster cluster)
    {
        var standIn = new ClusterStandIn(cluster);
        standIn.GatewayPod = await LoopbackServer.StartAsync(app => app.MapPost("/api/orders", new Func<HttpContext, Task<IResult>>(standIn.OrderAsync)));
        standIn.Tempo = await LoopbackServer.StartAsync(app => app.MapGet("/api/traces/{id}", standIn.Trace));
        standIn.Api = await FakeKubernetesApi.StartAsync(cluster);
        standIn.Api.PortForwardTarget = standIn.GatewayPod.Url.Port;
        return standIn;
    }

    /// <summary>A kubeconfig whose current context is this cluster, as k3d writes one.</summary>
    public string WriteKubeconfig(string folder, string context = "k3d-brokenprod") => Api.WriteKubeconfig(folder, context);

    /// <summary>The gateway pod: answers each order with the scenario's status and a traceparent header, as nginx in front of the api-service does.</summary>
    async Task<IResult> OrderAsync(HttpContext context)
    {
        var number = Interlocked.Increment(ref _orders);
        using var reader = new StreamReader(context.Request.Body);
        var body = JsonNode.Parse(await reader.ReadToEndAsync())!;
        var traceId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _traces.TryAdd(traceId, 0);
        context.Response.Headers["traceparent"] = $"00-{traceId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}-01";
        var status = Cluster.GatewayStatus(number);
        if (status == 200)
        {
            return Results.Json(new JsonObject
            {
                ["success"] = true,
                ["order"] = new JsonObject { ["id"] = $"ord-{number}", ["item"] = body["item"]!.GetValue<string>(), ["quantity"] = 1, ["timestamp"] = FakeCluster.Stamp(DateTimeOffset.UtcNow) },
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
        var batches = new JsonArray(Cluster.TracedServices.Select((service, i) => (JsonNode)new JsonObject
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
