using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace CloudMart.Cluster.Tests;

/// <summary>
/// The incident catalog's own faults (9 and up) on the real cluster, after the guide's flow: each
/// shows the signal its fault.yaml declares, and <c>diagnose --cluster --grade</c> finds exactly
/// the faults of the incident staged. Then incidents drawn by seed apply cleanly.
/// </summary>
public sealed partial class LabFlowTests
{
    // A guest's checkout goes api-service -> auth-service (every order's token check, a guest's
    // included) -> order-service -> database-service. A fault that breaks one hop hides the log
    // signal of a fault further down, and a CPU-starved api-service hides them all, so the faults
    // are staged in four incidents that keep every declared signal in sight.

    /// <summary>Pod states and events, and the refused call to an order-service that is never ready.</summary>
    internal static readonly int[] PodIncident = [9, 13, 14, 15];

    /// <summary>Signals no traffic is needed for: a missing Secret, a CPU limit's throttling and probe timeouts.</summary>
    internal static readonly int[] StartIncident = [11, 12];

    /// <summary>A sign-in's call to an auth-service Service that forwards to a dead port; a rollout cut short.</summary>
    internal static readonly int[] AuthIncident = [10, 16];

    /// <summary>A checkout's call to the order-service on the wrong port (the token check must work for it to get that far).</summary>
    internal static readonly int[] OrderUrlIncident = [17];

    /// <summary>The guide's faults whose signals the guide's flow (steps 1 to 3) checks on the cluster.</summary>
    internal static readonly int[] GuideFlowSignals = [1, 2, 4, 5, 6];

    /// <summary>Every fault whose declared signal a step checks on the cluster.</summary>
    internal static IEnumerable<int> MeasuredOnTheCluster =>
        GuideFlowSignals.Concat(PodIncident).Concat(StartIncident).Concat(AuthIncident).Concat(OrderUrlIncident);

    /// <summary>Seeds whose incidents are drawn from the whole catalog, applied with a server-side dry run.</summary>
    static readonly long[] Seeds = [1, 7, 2024];

    async Task<string> StageIncidentAsync(int[] faults)
    {
        await EmptyTheLabAsync();
        await lab.UseFixedOrderServiceAsync();
        var folder = Path.Combine(Directory.CreateTempSubdirectory("cloudmart-incident-").FullName, "incident");
        var written = await RealCluster.CloudmartAsync(TimeSpan.FromMinutes(1), ["lab", "new", .. faults.SelectMany(f => new[] { "--fault", $"{f}" }), "--out", folder]);
        Assert.True(written.ExitCode == 0, written.Output);
        await Cluster.MustAsync("apply", "-f", folder);
        return folder;
    }

    /// <summary>Each pod row whose name starts with the component's, as <c>kubectl get pods</c> prints it.</summary>
    async Task<List<Dictionary<string, string>>> PodsAsync(string component) =>
        [.. KubectlTable.Parse(await Cluster.MustAsync("get", "pods", "-n", Ns)).Where(p => p["NAME"].StartsWith(component + "-", StringComparison.Ordinal))];

    /// <summary>One request through the guide's <c>kubectl port-forward svc/gateway</c>; the answer's status.</summary>
    static async Task<HttpStatusCode> ThroughTheGatewayAsync(Func<Uri, HttpRequestMessage> request)
    {
        using var forward = await PortForward.StartAsync();
        using var http = Http();
        using var response = await http.SendAsync(request(forward.Url));
        return response.StatusCode;
    }

    /// <summary>The namespace's events as <c>kubectl get events</c> has them: reason, object, message.</summary>
    async Task<List<(string Reason, string Object, string Message)>> EventsAsync()
    {
        using var events = JsonDocument.Parse(await Cluster.MustAsync("get", "events", "-n", Ns, "-o", "json"));
        return [.. events.RootElement.GetProperty("items").EnumerateArray().Select(e => (
            e.GetProperty("reason").GetString() ?? "",
            $"{e.GetProperty("involvedObject").GetProperty("kind").GetString()}/{e.GetProperty("involvedObject").GetProperty("name").GetString()}",
            e.TryGetProperty("message", out var m) ? m.GetString() ?? "" : ""))];
    }

    static string? Event(List<(string Reason, string Object, string Message)> events, string reason, string objectPrefix, string messagePart) =>
        events.FirstOrDefault(e => e.Reason == reason && e.Object.StartsWith(objectPrefix, StringComparison.Ordinal) && e.Message.Contains(messagePart, StringComparison.Ordinal))
            is { Reason.Length: > 0 } found ? $"{found.Reason} {found.Object}: {found.Message}" : null;

    /// <summary>The first line with every part in the logs of all the component's pods (deploy/NAME would read one pod, maybe not the one that served the request).</summary>
    async Task<string?> LogLineAsync(string component, params string[] parts)
    {
        var log = await Cluster.KubectlAsync("logs", "-n", Ns, "-l", $"app={component}", "--tail=-1", "--since=10m");
        return log.StandardOutput.Split('\n').FirstOrDefault(l => parts.All(p => l.Contains(p, StringComparison.Ordinal)));
    }

    /// <summary>Waits for every signal (name → probe giving its evidence), all within <see cref="SignalLimit"/>, and records when each came.</summary>
    async Task SeeAllAsync(string phase, IReadOnlyDictionary<string, Func<Task<string?>>> signals)
    {
        var clock = Stopwatch.StartNew();
        var seen = new Dictionary<string, (TimeSpan At, string Evidence)>();
        var errors = new Dictionary<string, string>();
        while (clock.Elapsed < SignalLimit && seen.Count < signals.Count)
        {
            foreach (var (name, probe) in signals.Where(s => !seen.ContainsKey(s.Key)))
            {
                try
                {
                    if (await probe() is { } evidence)
                    {
                        seen[name] = (clock.Elapsed, evidence);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException)
                {
                    // A request the faults make fail or time out, or a port-forward that did not
                    // start yet: not seen this round.
                    errors[name] = ex.Message;
                }
            }
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
        foreach (var (signal, (at, evidence)) in seen.OrderBy(s => s.Value.At))
        {
            Record(phase, signal, at, evidence);
        }
        var missing = signals.Keys.Where(s => !seen.ContainsKey(s)).ToList();
        Assert.True(missing.Count == 0, $"not seen within {SignalLimit.TotalMinutes} min: {string.Join(", ", missing.Select(m => errors.TryGetValue(m, out var e) ? $"{m} (last error: {e})" : m))}\n"
            + $"{await Cluster.MustAsync("get", "pods", "-n", Ns)}\n{await Cluster.MustAsync("get", "events", "-n", Ns)}");
    }

    /// <summary><c>diagnose --cluster</c> names exactly the incident's faults, and its grade finds each one present.</summary>
    async Task DiagnoseNamesExactlyAsync(int[] incident)
    {
        var result = await RealCluster.CloudmartAsync(TimeSpan.FromMinutes(2), ["diagnose", "--cluster", "--kubeconfig", RealCluster.Kubeconfig, "--grade",
            .. incident.SelectMany(f => new[] { "--fault", $"{f}" }), "--json"]);
        var graded = RealCluster.Json(result);
        output.WriteLine(result.StandardOutput);
        var states = graded.GetProperty("faults").EnumerateArray().ToDictionary(f => f.GetProperty("number").GetInt32(), f => f.GetProperty("state").GetString());
        Assert.Equal(incident, states.Keys.Order());
        Assert.All(states, s => Assert.True(s.Value == "present", $"fault {s.Key} graded {s.Value}"));
        var others = graded.GetProperty("newProblems").EnumerateArray()
            .Where(p => p.GetProperty("fault").ValueKind == JsonValueKind.Number).Select(p => p.GetProperty("fault").GetInt32()).ToList();
        Assert.True(others.Count == 0, $"catalog faults outside the incident reported: {string.Join(", ", others)}");
        Assert.Equal(0, graded.GetProperty("faultsFixed").GetInt32());
    }

    [Fact]
    public async Task Step6a_The_catalogs_pod_faults_show_their_declared_states_events_and_refused_calls_and_diagnose_names_exactly_them()
    {
        await StageIncidentAsync(PodIncident);
        await SeeAllAsync("catalog incident 9 13 14 15", new Dictionary<string, Func<Task<string?>>>
        {
            ["9: order-service Running, READY 0/1, no restart"] = async () => (await PodsAsync("order-service"))
                .FirstOrDefault(p => p["STATUS"] == "Running" && p["READY"] == "0/1" && p["RESTARTS"] == "0") is { } p ? string.Join("  ", p.Values) : null,
            // A 404, not the refused connection any pod's first probe may meet before it listens.
            ["9: Unhealthy event, readiness probe answered 404"] = async () => Event(await EventsAsync(), "Unhealthy", "Pod/order-service-", "Readiness probe failed: HTTP probe failed with statuscode: 404"),
            ["13: database-service Pending"] = async () => (await PodsAsync("database-service"))
                .FirstOrDefault(p => p["STATUS"] == "Pending") is { } p ? string.Join("  ", p.Values) : null,
            ["13: FailedScheduling event, unbound claim"] = async () => Event(await EventsAsync(), "FailedScheduling", "Pod/database-service-", "PersistentVolumeClaim"),
            ["14: the NetworkPolicy is there (kubenet does not enforce it)"] = async () =>
                (await Cluster.KubectlAsync("get", "networkpolicy", "database-service-ingress", "-n", Ns)).ExitCode == 0 ? "networkpolicy/database-service-ingress" : null,
            ["15: notification-service RunContainerError or CrashLoopBackOff"] = async () => (await PodsAsync("notification-service"))
                .FirstOrDefault(p => p["STATUS"] is "RunContainerError" or "CrashLoopBackOff") is { } p ? string.Join("  ", p.Values) : null,
            ["15: Failed event"] = async () => Event(await EventsAsync(), "Failed", "Pod/notification-service-", ""),
            ["9: api-service logs the refused call to order-service"] = async () =>
            {
                // A guest's checkout, the guide's curl, reaches the api-service; no order-service pod is ready.
                await ThroughTheGatewayAsync(GuideOrder);
                return await LogLineAsync(ServiceCatalog.Api.Name, LogEvents.DependencyCallFailed,
                    $"Call to order-service failed: POST {ServiceCatalog.Order.ClusterUrl}/orders");
            },
        });
        await DiagnoseNamesExactlyAsync(PodIncident);
    }

    [Fact]
    public async Task Step6b_A_missing_secret_and_a_starved_cpu_show_at_start_and_diagnose_names_exactly_them()
    {
        await StageIncidentAsync(StartIncident);
        var node = (await Cluster.MustAsync("get", "nodes", "-o", "jsonpath={.items[0].metadata.name}")).Trim();
        await SeeAllAsync("catalog incident 11 12", new Dictionary<string, Func<Task<string?>>>
        {
            ["11: auth-service CreateContainerConfigError"] = async () => (await PodsAsync("auth-service"))
                .FirstOrDefault(p => p["STATUS"] == "CreateContainerConfigError") is { } p ? string.Join("  ", p.Values) : null,
            ["11: Failed event naming the secret"] = async () => Event(await EventsAsync(), "Failed", "Pod/auth-service-", "secret"),
            ["12: api-service throttled by its CPU limit"] = async () =>
            {
                var metrics = await Cluster.MustAsync("get", "--raw", $"/api/v1/nodes/{node}/proxy/metrics/cadvisor");
                return metrics.Split('\n').FirstOrDefault(l => l.StartsWith("container_cpu_cfs_throttled_periods_total{", StringComparison.Ordinal)
                    && l.Contains("container=\"api-service\"", StringComparison.Ordinal) && !l.Split(' ')[1].StartsWith('0'));
            },
            ["12: Unhealthy event, a probe timed out"] = async () => Event(await EventsAsync(), "Unhealthy", "Pod/api-service-", "Client.Timeout exceeded"),
        });
        await DiagnoseNamesExactlyAsync(StartIncident);
    }

    [Fact]
    public async Task Step7a_A_sign_ins_failed_call_and_a_drain_cut_short_show_in_the_logs_and_diagnose_names_exactly_them()
    {
        await StageIncidentAsync(AuthIncident);
        await Cluster.MustAsync("rollout", "status", "deployment", "-n", Ns, "--timeout=180s");
        await SeeAllAsync("catalog incident 10 16", new Dictionary<string, Func<Task<string?>>>
        {
            ["10: a sign-in's call to auth-service fails"] = async () =>
                (int)await ThroughTheGatewayAsync(gateway => new HttpRequestMessage(HttpMethod.Post, new Uri(gateway, "/api/token"))
                {
                    Content = new StringContent("{\"username\": \"alice\", \"password\": \"wrong-on-purpose\"}", Encoding.UTF8, "application/json"),
                }) >= 500
                    ? await LogLineAsync(ServiceCatalog.Api.Name, LogEvents.DependencyCallFailed, "Call to auth-service failed")
                    : null,
        });

        // Fault 16: a rollout stops each order-service pod into its drain. One pod's log, followed
        // from before its SIGTERM, ends less than the drain after the drain's first line, with no
        // orderly stop after it: the kubelet killed it at the end of the grace period.
        var drain = TimeSpan.FromSeconds(int.Parse(ServiceCatalog.Order.Variable("SHUTDOWN_DRAIN_SECONDS").Default!, System.Globalization.CultureInfo.InvariantCulture));
        var pod = (await PodsAsync("order-service")).First()["NAME"];
        using var follow = KubectlFollow.Start("logs", "-n", Ns, "-f", pod);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var clock = Stopwatch.StartNew();
        await Cluster.MustAsync("rollout", "restart", "deployment/order-service", "-n", Ns);
        Assert.True(await follow.WaitForExitAsync(TimeSpan.FromSeconds(120)), $"kubectl logs -f {pod} did not end within 2 min of the rollout");
        var lines = follow.Lines;
        var term = lines.FirstOrDefault(l => l.Text.Contains("SIGTERM received", StringComparison.Ordinal));
        Assert.True(term.Text is not null, $"no 'SIGTERM received' line in the stopping pod's log:\n{follow.Output}");
        var cut = follow.EndedAt!.Value - term.At;
        Assert.True(cut < drain, $"the pod's log went on {cut.TotalSeconds:0.0} s after SIGTERM, not less than its {drain.TotalSeconds} s drain:\n{follow.Output}");
        Assert.DoesNotContain(lines.SkipWhile(l => l != term), l => l.Text.Contains("Application is shutting down", StringComparison.Ordinal));
        Record("catalog incident 10 16", $"16: the stopping pod's log ends {cut.TotalSeconds:0.0} s after SIGTERM received", clock.Elapsed, term.Text.Trim());
        var killing = await RealCluster.PollAsync(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), async () => Event(await EventsAsync(), "Killing", $"Pod/{pod}", ""));
        Assert.True(killing is not null, $"no Killing event for {pod}");
        Record("catalog incident 10 16", "16: Killing event", clock.Elapsed, killing);

        await DiagnoseNamesExactlyAsync(AuthIncident);
    }

    [Fact]
    public async Task Step7b_A_checkouts_call_to_the_order_service_on_the_wrong_port_shows_in_the_logs_and_diagnose_names_exactly_it()
    {
        await StageIncidentAsync(OrderUrlIncident);
        await Cluster.MustAsync("rollout", "status", "deployment", "-n", Ns, "--timeout=180s");
        await SeeAllAsync("catalog incident 17", new Dictionary<string, Func<Task<string?>>>
        {
            ["17: a guest checkout's call to order-service on port 8080 fails"] = async () =>
                await ThroughTheGatewayAsync(GuideOrder) != HttpStatusCode.OK
                    ? await LogLineAsync(ServiceCatalog.Api.Name, LogEvents.DependencyCallFailed, $"Call to order-service failed: POST {FaultValues.Of(17)}/orders")
                    : null,
        });
        await DiagnoseNamesExactlyAsync(OrderUrlIncident);
    }

    [Fact]
    public async Task Step8_Incidents_drawn_by_seed_apply_cleanly_with_a_server_side_dry_run()
    {
        // Each incident as it would go onto a cluster without the lab: its namespaces there but
        // empty (a dry run creates none, and an object left by an earlier step, such as a bound
        // claim, would turn a create into an update), each object checked as the API server would
        // store it.
        await Cluster.DeleteNamespacesAsync(Ns, TrafficSource.Namespace);
        await Cluster.MustAsync("create", "namespace", Ns);
        await Cluster.MustAsync("create", "namespace", TrafficSource.Namespace);
        foreach (var seed in Seeds)
        {
            var folder = Path.Combine(Directory.CreateTempSubdirectory("cloudmart-seed-").FullName, "incident");
            var written = await RealCluster.CloudmartAsync(TimeSpan.FromMinutes(1), "lab", "new", "--seed", $"{seed}", "--out", folder);
            Assert.True(written.ExitCode == 0, written.Output);
            var dryRun = await Cluster.KubectlAsync("apply", "--dry-run=server", "-f", folder);
            Assert.True(dryRun.ExitCode == 0, $"seed {seed}: {dryRun.Output}");
            output.WriteLine($"seed {seed}: {written.StandardOutput.Split('\n')[0]}; {dryRun.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length} objects");
        }
    }
}
