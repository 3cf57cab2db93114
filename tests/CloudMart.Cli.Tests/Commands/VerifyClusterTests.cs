using System.Text.Json;

namespace CloudMart.Cli.Tests.Commands;

/// <summary>
/// <c>verify --cluster</c> against a stand-in API server that answers the paths the tool calls
/// with objects shaped as a real cluster returns them: no cluster exists on this machine.
/// </summary>
public sealed class VerifyClusterTests : CliRunTest
{
    Task VerifyAsync(ClusterStandIn cluster, ExitCodes expected, params string[] more) =>
        RunAsync(NoRun, expected, ["verify", "--kubeconfig", cluster.WriteKubeconfig(ScratchFolder), "--orders", "3", "--interval", "0", .. more]);

    /// <summary>verify --json: its exit code checked, its document returned.</summary>
    async Task<JsonElement> VerifyJsonAsync(ClusterStandIn cluster, ExitCodes expected, params string[] more)
    {
        await VerifyAsync(cluster, expected, [.. more, "--json"]);
        return Cli.Json();
    }

    [Fact]
    public async Task A_healthy_cluster_passes_every_check_with_orders_through_a_port_forward_and_a_complete_trace_in_Tempo()
    {
        await using var cluster = await ClusterStandIn.StartAsync(FakeCluster.Healthy());

        await VerifyAsync(cluster, ExitCodes.Success, "--tempo-url", cluster.Tempo.Url.ToString());

        Assert.Contains($"Verifying namespace production of {cluster.Api.Url.ToString().TrimEnd('/')} (context k3d-brokenprod)", Cli.Output);
        Assert.Contains("✓ PASS  Every pod is Running and ready: 8 pods Running and ready", Cli.Output);
        Assert.Contains("✓ PASS  No restart for at least 2 min: every container has run for 2 min or more without a restart", Cli.Output);
        Assert.Matches(@"api-service-7d9c8b6f5-x2k4q: 0 restarts; running for 10 min [0-2] s", Cli.Output);
        Assert.Contains("✓ PASS  Every Service has ready endpoints: 6 Services, each with ready endpoints", Cli.Output);
        Assert.Contains("api-service: 2 ready endpoints", Cli.Output);
        Assert.Contains("✓ PASS  3 of 3 orders succeed in under 2 s", Cli.Output);
        Assert.Matches(@"port-forward 127\.0\.0\.1:\d+ → pod gateway-7d9c8b6f5-x2k4q port 8080", Cli.Output);
        Assert.Contains("✓ PASS  No error lines in the last 2 min of logs: no error or fatal line", Cli.Output);
        Assert.Contains("✓ PASS  CPU under 50 % and memory under 80 % of their limits", Cli.Output);
        Assert.Contains("auth-service-7d9c8b6f5-x2k4q: CPU 3m of 500m (1 %), memory 38Mi of 128Mi (30 %)", Cli.Output);
        Assert.Matches("✓ PASS  One order's trace spans all five services: trace [0-9a-f]{32} has 7 spans from all five services", Cli.Output);
        Assert.Contains("All 7 checks passed: CloudMart is healthy.", Cli.Output);

        Assert.Equal(3, cluster.OrdersReceived);
        Assert.True(cluster.PortForwards >= 1);
        Assert.Contains(cluster.Requests, r => r.StartsWith("GET /api/v1/namespaces/production/pods/gateway-7d9c8b6f5-x2k4q/portforward?ports=8080", StringComparison.Ordinal));
        Assert.Contains(cluster.Requests, r => r.StartsWith("GET /api/v1/namespaces/production/pods?", StringComparison.Ordinal)
            && (r.Contains("labelSelector=app%3Dgateway", StringComparison.Ordinal) || r.Contains("labelSelector=app=gateway", StringComparison.Ordinal)));
        // The recent logs only: the log window goes to the API as sinceSeconds.
        Assert.Contains(cluster.Requests, r => r.StartsWith("GET /api/v1/namespaces/production/pods/order-service-7d9c8b6f5-m8n3r/log?", StringComparison.Ordinal)
            && r.Contains("sinceSeconds=120", StringComparison.Ordinal) && r.Contains("container=order-service", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_broken_lab_fails_pods_restarts_endpoints_orders_and_logs_with_each_faults_evidence_and_metrics_are_not_available()
    {
        var scenario = FakeCluster.BrokenLab();
        await using var cluster = await ClusterStandIn.StartAsync(scenario);

        var json = await VerifyJsonAsync(cluster, ExitCodes.ChecksFailed);

        Assert.Equal(new Dictionary<string, string>
        {
            ["pods"] = "fail", ["restarts"] = "fail", ["endpoints"] = "fail", ["orders"] = "fail", ["logs"] = "fail",
            ["resources"] = "not-available", ["traces"] = "not-available",
        }, VerifyJson.Outcomes(json));

        var pods = VerifyJson.Evidence(VerifyJson.Check(json, "pods"));
        Assert.Contains("database-service-7d9c8b6f5-x2k4q: CrashLoopBackOff, 0/1 ready (back-off 2m40s restarting failed container", pods);
        Assert.Contains($"notification-service-7d9c8b6f5-x2k4q: ImagePullBackOff, 0/1 ready (Back-off pulling image \"{FaultValues.Of(2)}\")", pods);

        var restarts = VerifyJson.Check(json, "restarts");
        Assert.Contains("api-service-7d9c8b6f5-m8n3r", restarts.GetProperty("summary").GetString());
        var restartEvidence = VerifyJson.Evidence(restarts);
        // The stand-in serves pod times moved to the moment of the request, so the ages are the ones
        // set here; rounding to whole seconds and the run itself add a few seconds at most.
        Assert.Matches(@"api-service-7d9c8b6f5-m8n3r: 7 restarts, last 2[5-9] s ago \(previous container: Error, exit code 137, ended (2[6-9]|30) s ago\); running for 2[5-9] s, 1 min 3[0-5] s short of 2 min", restartEvidence);
        Assert.Matches(@"auth-service-7d9c8b6f5-x2k4q: 2 restarts, last 5[0-4] s ago \(previous container: OOMKilled, exit code 137, ended 5[1-5] s ago\); running for 5[0-4] s", restartEvidence);
        Assert.Matches(@"database-service-7d9c8b6f5-x2k4q: 6 restarts, last 2[0-4] s ago \(previous container: Error, exit code 1, ended 2[0-4] s ago\); not running: CrashLoopBackOff", restartEvidence);
        Assert.Matches(@"order-service-7d9c8b6f5-x2k4q: 0 restarts; running for 10 min [0-4] s\n", restartEvidence + "\n");

        var endpoints = VerifyJson.Check(json, "endpoints");
        Assert.Contains("gateway", endpoints.GetProperty("summary").GetString());
        var endpointEvidence = VerifyJson.Evidence(endpoints);
        Assert.Contains($"gateway: 0 ready endpoints — its selector app={FaultValues.Of(5)} matches no pod (the pods' app labels: api-service, auth-service, database-service, gateway, notification-service, order-service)", endpointEvidence);
        Assert.Contains("database-service: 0 ready endpoints, 1 not ready — its selector app=database-service matches 1 pod, none ready", endpointEvidence);

        var orders = VerifyJson.Check(json, "orders");
        Assert.Equal($"Service gateway selects no pod (selector app={FaultValues.Of(5)}), so nothing answers behind it", orders.GetProperty("summary").GetString());
        Assert.Equal(0, cluster.OrdersReceived);

        var logs = VerifyJson.Check(json, "logs");
        Assert.Contains("database-service-7d9c8b6f5-x2k4q", logs.GetProperty("summary").GetString());
        Assert.Contains("gateway-7d9c8b6f5-x2k4q", logs.GetProperty("summary").GetString());
        var logEvidence = VerifyJson.Evidence(logs);
        Assert.Contains("fatal: FATAL: DB_NAME is not set", logEvidence);
        Assert.Contains("error: POST /api/orders 502", logEvidence);
        Assert.Contains("connect() failed (111: Connection refused)", logEvidence);
        Assert.Contains("gateway-7d9c8b6f5-x2k4q: 2 error lines of 5", logEvidence);
        Assert.Contains("notification-service-7d9c8b6f5-x2k4q: no logs to read (400 Bad Request: container \"notification-service\" in pod", logEvidence);

        Assert.Contains("metrics.k8s.io", VerifyJson.Check(json, "resources").GetProperty("summary").GetString());
        Assert.Contains("answered 404", VerifyJson.Check(json, "resources").GetProperty("summary").GetString());
        Assert.Contains("no --tempo-url given", VerifyJson.Check(json, "traces").GetProperty("summary").GetString());
    }

    [Fact]
    public async Task Failing_orders_error_lines_a_container_near_its_memory_limit_and_a_trace_without_the_notification_service_each_fail_their_check()
    {
        var scenario = FakeCluster.Healthy();
        // The gateway pod answers every other order with 500, like a half-failing database (fault 8).
        scenario.GatewayStatus = n => n % 2 == 0 ? 500 : 200;
        scenario.Log("order-service-7d9c8b6f5-x2k4q", previous: false,
            $$"""{"timestamp":"{{FakeCluster.Stamp(scenario.Now)}}","level":"error","service":"order-service","trace_id":"0af7651916cd43dd8448eb211c80319c","span_id":"b7ad6b7169203331","message":"Order ord-7 was not created: database-service answered 500","category":"CloudMart.OrderService"}""");
        scenario.Metrics![scenario.Metrics.FindIndex(m => m["metadata"]!["name"]!.GetValue<string>() == "auth-service-7d9c8b6f5-x2k4q")] =
            KubeObjects.PodMetrics("auth-service-7d9c8b6f5-x2k4q", "auth-service", "120m", "118Mi", scenario.Now);
        scenario.TracedServices.Remove("notification-service");
        await using var cluster = await ClusterStandIn.StartAsync(scenario);

        var json = await VerifyJsonAsync(cluster, ExitCodes.ChecksFailed, "--tempo-url", cluster.Tempo.Url.ToString());

        Assert.Equal(new Dictionary<string, string>
        {
            ["pods"] = "pass", ["restarts"] = "pass", ["endpoints"] = "pass", ["orders"] = "fail", ["logs"] = "fail",
            ["resources"] = "fail", ["traces"] = "fail",
        }, VerifyJson.Outcomes(json));
        var orders = VerifyJson.Check(json, "orders");
        Assert.Equal("1 of 3 orders did not get HTTP 200 (1 × 500)", orders.GetProperty("summary").GetString());
        Assert.Contains("item-2: 500 after", VerifyJson.Evidence(orders));
        Assert.Contains("order-service: POST http://database-service:8080/store failed", VerifyJson.Evidence(orders));
        Assert.Contains("error: Order ord-7 was not created: database-service answered 500", VerifyJson.Evidence(VerifyJson.Check(json, "logs")));
        var resources = VerifyJson.Check(json, "resources");
        Assert.Equal("too close to their limits: auth-service-7d9c8b6f5-x2k4q", resources.GetProperty("summary").GetString());
        Assert.Contains("auth-service-7d9c8b6f5-x2k4q: CPU 120m of 500m (24 %), memory 118Mi of 128Mi (92 %) — too high", VerifyJson.Evidence(resources));
        var traces = VerifyJson.Check(json, "traces");
        Assert.Matches("^trace [0-9a-f]{32} has no span from notification-service$", traces.GetProperty("summary").GetString());
        Assert.Contains("notification-service: no span", VerifyJson.Evidence(traces));
        Assert.Contains("api-service: 3 spans", VerifyJson.Evidence(traces));
    }

    [Fact]
    public async Task Pods_that_have_run_for_less_than_two_minutes_fail_the_restart_check_even_with_no_restart()
    {
        var scenario = FakeCluster.Healthy();
        foreach (var component in ServiceCatalog.All)
        {
            scenario.SetPod(component.Name, 0, ContainerState.RunningFor(TimeSpan.FromSeconds(40), scenario.Now));
        }
        await using var cluster = await ClusterStandIn.StartAsync(scenario);

        var json = await VerifyJsonAsync(cluster, ExitCodes.ChecksFailed);

        var outcomes = VerifyJson.Outcomes(json);
        Assert.Equal("pass", outcomes["pods"]);
        Assert.Equal("fail", outcomes["restarts"]);
        Assert.Equal("pass", outcomes["orders"]);
        Assert.Matches(@"gateway-7d9c8b6f5-x2k4q: 0 restarts; running for 4[0-2] s, 1 min (1[7-9]|20) s short of 2 min", VerifyJson.Evidence(VerifyJson.Check(json, "restarts")));
        Assert.Contains("6 containers restarted, started or stopped within the last 2 min", VerifyJson.Check(json, "restarts").GetProperty("summary").GetString());
    }

    [Fact]
    public async Task Before_1_21_the_endpoints_check_reads_the_v1_Endpoints_and_still_tells_a_selector_that_matches_no_pod()
    {
        var scenario = FakeCluster.BrokenLab();
        scenario.ServesEndpointSlices = false;
        await using var cluster = await ClusterStandIn.StartAsync(scenario);

        var endpoints = VerifyJson.Check(await VerifyJsonAsync(cluster, ExitCodes.ChecksFailed), "endpoints");

        Assert.Equal("fail", endpoints.GetProperty("outcome").GetString());
        var evidence = VerifyJson.Evidence(endpoints);
        Assert.Contains($"gateway: 0 ready endpoints — its selector app={FaultValues.Of(5)} matches no pod", evidence);
        Assert.Contains("database-service: 0 ready endpoints, 1 not ready — its selector app=database-service matches 1 pod, none ready", evidence);
        Assert.Contains("read from the Endpoints (v1) API", evidence);
        Assert.Contains(cluster.Requests, r => r.StartsWith("GET /api/v1/namespaces/production/endpoints", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Where_EndpointSlices_are_served_the_endpoints_check_reads_them()
    {
        await using var cluster = await ClusterStandIn.StartAsync(FakeCluster.Healthy());

        var endpoints = VerifyJson.Check(await VerifyJsonAsync(cluster, ExitCodes.Success), "endpoints");

        Assert.Contains("read from the EndpointSlices (discovery.k8s.io/v1) API", VerifyJson.Evidence(endpoints));
        Assert.DoesNotContain(cluster.Requests, r => r.StartsWith("GET /api/v1/namespaces/production/endpoints", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_metrics_server_and_Tempo_a_healthy_cluster_still_passes_and_says_what_was_not_available()
    {
        var scenario = FakeCluster.Healthy();
        scenario.Metrics = null;
        await using var cluster = await ClusterStandIn.StartAsync(scenario);

        await VerifyAsync(cluster, ExitCodes.Success, "--url", cluster.GatewayPod.Url.ToString());

        Assert.Contains("– N/A   CPU under 50 % and memory under 80 % of their limits: not available: the metrics API (metrics.k8s.io) answered 404", Cli.Output);
        Assert.Contains("– N/A   One order's trace spans all five services: not available: no --tempo-url given", Cli.Output);
        Assert.Contains($"POST {cluster.GatewayPod.Url}api/orders (--url)", Cli.Output);
        Assert.Equal(0, cluster.PortForwards);
        Assert.Contains("All 5 checks passed (resources, traces: not available here): CloudMart is healthy.", Cli.Output);
    }

    [Fact]
    public async Task A_cluster_whose_API_server_does_not_answer_exits_target_unreachable_without_running_the_other_checks()
    {
        var scenario = FakeCluster.Healthy();
        string kubeconfig;
        await using (var cluster = await ClusterStandIn.StartAsync(scenario))
        {
            kubeconfig = cluster.WriteKubeconfig(ScratchFolder);
        }

        await RunAsync(NoRun, ExitCodes.TargetUnreachable, "verify", "--kubeconfig", kubeconfig, "--json");

        var json = Cli.Json();
        var pods = VerifyJson.Check(json, "pods");
        Assert.Equal("fail", pods.GetProperty("outcome").GetString());
        Assert.StartsWith("cannot list the pods of namespace production", pods.GetProperty("summary").GetString());
        Assert.All(json.GetProperty("checks").EnumerateArray().Skip(1), c => Assert.Equal("not-run", c.GetProperty("outcome").GetString()));
    }

    [Fact]
    public async Task A_missing_kubeconfig_or_an_unknown_context_is_reported_and_exits_target_unreachable()
    {
        var missing = Path.Combine(ScratchFolder, "no-such-kubeconfig");
        await RunAsync(NoRun, ExitCodes.TargetUnreachable, "verify", "--kubeconfig", missing);
        Assert.Contains($"the kubeconfig {missing} does not exist", Cli.Output);

        await using var cluster = await ClusterStandIn.StartAsync(FakeCluster.Healthy());
        using var other = new CliRun();
        var code = await other.InvokeAsync(NoRun, "verify", "--kubeconfig", cluster.WriteKubeconfig(ScratchFolder), "--context", "k3d-day4");
        Assert.Equal((int)ExitCodes.TargetUnreachable, code);
        Assert.Contains("the kubeconfig has no context 'k3d-day4'; it has: k3d-brokenprod", other.Output);
        Assert.Empty(cluster.Requests);
    }

    [Fact]
    public async Task A_namespace_with_no_pods_fails_with_a_hint_rather_than_passing_on_nothing()
    {
        var scenario = FakeCluster.Healthy();
        await using var cluster = await ClusterStandIn.StartAsync(scenario);
        scenario.Pods.Clear();

        var json = await VerifyJsonAsync(cluster, ExitCodes.ChecksFailed, "--namespace", "staging");

        Assert.StartsWith("namespace staging has no pods", VerifyJson.Check(json, "pods").GetProperty("summary").GetString());
        Assert.Contains(cluster.Requests, r => r.StartsWith("GET /api/v1/namespaces/staging/pods", StringComparison.Ordinal));
    }
}
