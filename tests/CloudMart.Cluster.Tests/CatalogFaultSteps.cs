using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace CloudMart.Cluster.Tests;

/// <summary>
/// The incident catalog's own faults (9 and up) on the real cluster, after the guide's flow: each
/// shows the signal its fault.yaml declares, and <c>diagnose --cluster</c> names exactly the faults
/// of the incident staged. Two incidents carry them, grouped so that no fault hides another's
/// signal: one whose signals are pod states and events, one whose signals need the shop's traffic
/// (a guest checkout, a sign-in, a rollout). Then incidents drawn by seed apply cleanly.
/// </summary>
public sealed partial class LabFlowTests
{
    /// <summary>Signals in pod states and events: a readiness probe, a Secret, a CPU limit, a claim, a NetworkPolicy, a command.</summary>
    static readonly int[] PodIncident = [9, 11, 12, 13, 14, 15];

    /// <summary>Signals in the api-service's and order-service's logs: a Service port, a URL's port, a grace period.</summary>
    static readonly int[] TrafficIncident = [10, 16, 17];

    /// <summary>Seeds whose incidents are drawn from the whole catalog, applied with a server-side dry run.</summary>
    static readonly long[] Seeds = [1, 7, 2024];

    async Task<string> StageIncidentAsync(int[] faults)
    {
        await Cluster.DeleteNamespacesAsync(Ns, TrafficSource.Namespace);
        await lab.UseFixedOrderServiceAsync();
        var folder = Path.Combine(Directory.CreateTempSubdirectory("cloudmart-incident-").FullName, "incident");
        var written = await RealCluster.CloudmartAsync(TimeSpan.FromMinutes(1), ["lab", "new", .. faults.SelectMany(f => new[] { "--fault", $"{f}" }), "--out", folder]);
        Assert.True(written.ExitCode == 0, written.Output);
        var volume = await RealCluster.PollAsync(TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1), async () =>
            (await Cluster.KubectlAsync("get", "pv", "database-data", "-o", "jsonpath={.status.phase}")).StandardOutput is "Available" ? "Available" : null);
        Assert.True(volume is not null, "the PersistentVolume database-data did not become Available again within 60 s");
        await Cluster.MustAsync("apply", "-f", folder);
        return folder;
    }

    /// <summary>Each pod row whose name starts with the component's, as <c>kubectl get pods</c> prints it.</summary>
    async Task<List<Dictionary<string, string>>> PodsAsync(string component) =>
        [.. KubectlTable.Parse(await Cluster.MustAsync("get", "pods", "-n", Ns)).Where(p => p["NAME"].StartsWith(component + "-", StringComparison.Ordinal))];

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
    public async Task Step6_The_catalogs_pod_faults_show_their_declared_states_and_events_and_diagnose_names_exactly_them()
    {
        await StageIncidentAsync(PodIncident);
        var node = (await Cluster.MustAsync("get", "nodes", "-o", "jsonpath={.items[0].metadata.name}")).Trim();
        await SeeAllAsync("catalog incident 9 11 12 13 14 15", new Dictionary<string, Func<Task<string?>>>
        {
            ["9: order-service Running, READY 0/1, no restart"] = async () => (await PodsAsync("order-service"))
                .FirstOrDefault(p => p["STATUS"] == "Running" && p["READY"] == "0/1" && p["RESTARTS"] == "0") is { } p ? string.Join("  ", p.Values) : null,
            ["9: Unhealthy event, readiness probe failed"] = async () => Event(await EventsAsync(), "Unhealthy", "Pod/order-service-", "Readiness probe failed"),
            ["11: auth-service CreateContainerConfigError"] = async () => (await PodsAsync("auth-service"))
                .FirstOrDefault(p => p["STATUS"] == "CreateContainerConfigError") is { } p ? string.Join("  ", p.Values) : null,
            ["11: Failed event naming the secret"] = async () => Event(await EventsAsync(), "Failed", "Pod/auth-service-", "secret"),
            ["12: api-service throttled by its CPU limit"] = async () =>
            {
                var metrics = await Cluster.MustAsync("get", "--raw", $"/api/v1/nodes/{node}/proxy/metrics/cadvisor");
                return metrics.Split('\n').FirstOrDefault(l => l.StartsWith("container_cpu_cfs_throttled_periods_total{", StringComparison.Ordinal)
                    && l.Contains("container=\"api-service\"", StringComparison.Ordinal) && !l.Split(' ')[1].StartsWith('0'));
            },
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
                using var forward = await PortForward.StartAsync();
                using var http = Http();
                using var response = await http.SendAsync(GuideOrder(forward.Url));
                return await LogLineAsync("api-service", LogEvents.DependencyCallFailed, "Call to order-service failed", ":3000/");
            },
        });
        await DiagnoseNamesExactlyAsync(PodIncident);
    }

    [Fact]
    public async Task Step7_The_catalogs_traffic_faults_show_in_the_services_logs_and_diagnose_names_exactly_them()
    {
        await StageIncidentAsync(TrafficIncident);
        await Cluster.MustAsync("rollout", "status", "deployment", "-n", Ns, "--timeout=180s");
        await SeeAllAsync("catalog incident 10 16 17", new Dictionary<string, Func<Task<string?>>>
        {
            ["10: a sign-in's call to auth-service fails"] = async () =>
            {
                using var forward = await PortForward.StartAsync();
                using var http = Http();
                using var response = await http.PostAsync(new Uri(forward.Url, "/api/token"),
                    new StringContent("{\"username\": \"alice\", \"password\": \"wrong-on-purpose\"}", Encoding.UTF8, "application/json"));
                return (int)response.StatusCode >= 500 ? await LogLineAsync("api-service", LogEvents.DependencyCallFailed, "Call to auth-service failed") : null;
            },
            ["17: a guest checkout's call to order-service on port 8080 fails"] = async () =>
            {
                using var forward = await PortForward.StartAsync();
                using var http = Http();
                using var response = await http.SendAsync(GuideOrder(forward.Url));
                return response.StatusCode != HttpStatusCode.OK ? await LogLineAsync("api-service", LogEvents.DependencyCallFailed, "Call to order-service failed", ":8080/") : null;
            },
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
        Record("catalog incident 10 16 17", $"16: the stopping pod's log ends {cut.TotalSeconds:0.0} s after SIGTERM received", clock.Elapsed, term.Text.Trim());
        var killing = await RealCluster.PollAsync(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), async () => Event(await EventsAsync(), "Killing", $"Pod/{pod}", ""));
        Assert.True(killing is not null, $"no Killing event for {pod}");
        Record("catalog incident 10 16 17", "16: Killing event", clock.Elapsed, killing);

        await DiagnoseNamesExactlyAsync(TrafficIncident);
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
