using CloudMart.Cluster;
using CloudMart.Diagnosis.Live;
using CloudMart.Catalog;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace CloudMart.Diagnosis.Tests.Live;

/// <summary>
/// <c>diagnose --cluster</c> against a local stand-in for the Kubernetes API serving what a
/// cluster would hold after applying each lab folder (no cluster exists on this machine).
/// </summary>
public sealed class LiveDiagnosisTests : IDisposable
{
    static LabRepository Repo => LabCopy.Repository;

    readonly string _folder = Directory.CreateTempSubdirectory("cloudmart-live-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>No diagnosis may take longer than this, whatever the API server does.</summary>
    static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    static FakeCluster Broken() => FakeCluster.FromFolder(Repo.BrokenManifestsDir, retryImmediately: true);

    static FakeCluster Healthy() => FakeCluster.FromFolder(Repo.SolutionManifestsDir, retryImmediately: false);

    /// <summary>The solution deployed with one Deployment changed before it runs.</summary>
    static FakeCluster HealthyExcept(string component, Action<V1Deployment> edit) =>
        FakeCluster.FromFolder(Repo.SolutionManifestsDir, retryImmediately: false, set => edit(set.Deployment(component)));

    /// <summary>The component's first pod, its service container restarted <paramref name="restarts"/> times and last ended for <paramref name="reason"/>.</summary>
    static V1ContainerStatus Restarted(FakeCluster cluster, string component, int restarts, string reason, int exitCode)
    {
        var status = cluster.Pod(component).Status.ContainerStatuses[0];
        status.RestartCount = restarts;
        status.LastState = new V1ContainerState { Terminated = new V1ContainerStateTerminated { Reason = reason, ExitCode = exitCode } };
        return status;
    }

    static async Task<DiagnosisReport> Diagnose(FakeKubernetesApi api, string @namespace = ServiceCatalog.Namespace)
    {
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = api.Url, AccessToken = FakeKubernetesApi.Token });
        return await ClusterDiagnosis.RunAsync(client, api.Url, @namespace, Repo.Root, Timeout());
    }

    [Fact]
    public async Task Broken_cluster_has_each_of_the_eight_faults_and_nothing_else()
    {
        await using var api = await FakeKubernetesApi.StartAsync(Broken());

        var report = await Diagnose(api);

        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], report.Findings.Select(f => f.Fault ?? 0));
        Assert.Equal(DiagnosisMode.Cluster, report.Mode);
        Assert.Equal(0, report.FaultsFixed);
    }

    [Fact]
    public async Task Broken_cluster_each_fault_carries_what_the_pods_events_and_logs_show()
    {
        await using var api = await FakeKubernetesApi.StartAsync(Broken());

        var findings = (await Diagnose(api)).Findings.ToDictionary(f => f.Fault!.Value, f => string.Join("\n", f.Evidence));

        var value = FaultFolders.Value;
        var shown = new Dictionary<int, string[]>
        {
            [1] = ["CrashLoopBackOff, 7 restarts, last terminated Error (exit code 1); log: FATAL: DB_NAME is not set", "Endpoints database-service: no ready address"],
            [2] = [$"ImagePullBackOff: Back-off pulling image \"{value(2)}\"", "not found"],
            [3] = [$"Call to database-service failed: POST {value(3)}/store", "Call to order-service failed"],
            [4] = ["9 restarts", "Liveness probe failed: Get \"http://", $":{value(4)}/health\": dial tcp"],
            [5] = [$"Endpoints gateway: no address; selector app={value(5)} matches none of the 8 pods in production (the gateway pods are labelled app=gateway)"],
            [6] = [$"last terminated OOMKilled (exit code 137); memory limit {value(6)}, measured need 80Mi"],
            [7] = ["Store retry policy: immediate, up to 3 retries with no delay between attempts"],
        };
        foreach (var (fault, parts) in shown)
        {
            Assert.All(parts, part => Assert.Contains(part, findings[fault], StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Broken_cluster_findings_point_at_the_live_resource_field_and_value()
    {
        await using var api = await FakeKubernetesApi.StartAsync(Broken());

        var findings = (await Diagnose(api)).Findings.ToDictionary(f => f.Fault!.Value);

        Assert.Equal(("Deployment/order-service", "spec.template.spec.containers[0].env[DATABASE_URL].value", FaultFolders.Value(3), "http://database-service:8080"),
            (findings[3].Location.Resource, findings[3].Location.Field, findings[3].Value, findings[3].Expected));
        Assert.Equal(("Service/gateway", "spec.selector", $"app={FaultFolders.Value(5)}", "app=gateway"),
            (findings[5].Location.Resource, findings[5].Location.Field, findings[5].Value, findings[5].Expected));
        Assert.Equal(("Deployment/database-service", FaultFolders.Value(8)), (findings[8].Location.Resource, findings[8].Value));
        Assert.All(findings.Values.Where(f => f.Fault != 7), f => Assert.Null(f.Location.File));
    }

    [Fact]
    public async Task Healthy_cluster_from_the_solution_has_no_finding()
    {
        await using var api = await FakeKubernetesApi.StartAsync(Healthy());

        var report = await Diagnose(api);

        Assert.Empty(report.Findings);
        Assert.Equal(8, report.FaultsFixed);
        Assert.Contains(report.Notes, n => n.StartsWith("retry policy: exponential backoff (log of pod order-service-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Diagnosis_reads_only_the_documented_paths()
    {
        await using var api = await FakeKubernetesApi.StartAsync(Broken());

        await Diagnose(api);

        var paths = api.Requests.Select(r => r.Split('?')[0]).Distinct().ToList();
        string[] lists =
        [
            "/api/v1/namespaces/production/events",
            "/api/v1/namespaces/production/pods",
            "/api/v1/namespaces/production/services",
            "/apis/apps/v1/namespaces/production/deployments",
            "/apis/discovery.k8s.io/v1/namespaces/production/endpointslices",
        ];
        Assert.Equal(lists, paths.Where(p => !p.EndsWith("/log", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.All(paths.Where(p => p.EndsWith("/log", StringComparison.Ordinal)), p => Assert.Matches("^/api/v1/namespaces/production/pods/[a-z0-9-]+/log$", p));
        Assert.Contains(api.Requests, r => r.Contains("previous=true", StringComparison.Ordinal) && r.Contains("database-service", StringComparison.Ordinal));
        Assert.DoesNotContain(api.Requests, r => r.Contains("secrets", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Before_1_21_the_endpoints_come_from_the_v1_Endpoints_and_the_diagnosis_is_the_same()
    {
        var cluster = Broken();
        cluster.ServesEndpointSlices = false;
        await using var api = await FakeKubernetesApi.StartAsync(cluster);

        var report = await Diagnose(api);

        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], report.Findings.Select(f => f.Fault ?? 0));
        var evidence = report.Findings.ToDictionary(f => f.Fault!.Value, f => string.Join("\n", f.Evidence));
        Assert.Contains($"Endpoints gateway: no address; selector app={FaultFolders.Value(5)} matches none of the 8 pods", evidence[5], StringComparison.Ordinal);
        Assert.Contains("Endpoints database-service: no ready address", evidence[1], StringComparison.Ordinal);
        var paths = api.Requests.Select(r => r.Split('?')[0]).ToList();
        Assert.Single(paths, p => p == "/apis/discovery.k8s.io/v1/namespaces/production/endpointslices");
        Assert.Contains("/api/v1/namespaces/production/endpoints", paths);
    }

    [Fact]
    public async Task Where_EndpointSlices_are_served_the_v1_Endpoints_are_not_read()
    {
        await using var api = await FakeKubernetesApi.StartAsync(Healthy());

        Assert.Empty((await Diagnose(api)).Findings);

        Assert.DoesNotContain(api.Requests, r => r.StartsWith("/api/v1/namespaces/production/endpoints", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Retry_policy_immediate_in_the_log_is_fault_7_alone()
    {
        var cluster = FakeCluster.FromFolder(Repo.SolutionManifestsDir, retryImmediately: true);
        await using var api = await FakeKubernetesApi.StartAsync(cluster);

        var finding = Assert.Single((await Diagnose(api)).Findings);

        Assert.Equal(7, finding.Fault);
        Assert.Equal("immediate", finding.Value);
        Assert.Equal(2, finding.Evidence.Count); // one start-up line per order-service pod
    }

    [Fact]
    public async Task No_retry_policy_line_leaves_fault_7_not_checked()
    {
        var cluster = Healthy();
        foreach (var key in cluster.Logs.Keys.Where(k => k.Pod.StartsWith("order-service", StringComparison.Ordinal)).ToList())
        {
            cluster.Logs[key] = [.. cluster.Logs[key].Where(l => !l.Contains("Store retry policy", StringComparison.Ordinal))];
        }
        await using var api = await FakeKubernetesApi.StartAsync(cluster);

        var report = await Diagnose(api);

        Assert.Empty(report.Findings);
        Assert.Contains("retry policy: not checked (no 'Store retry policy' line in the order-service logs)", report.Notes);
        Assert.Equal(FaultState.NotChecked, report.Faults.Single(f => f.Number == 7).State);
        Assert.Equal(7, report.FaultsFixed);
    }

    [Fact]
    public async Task Chaos_rate_above_zero_is_fault_8_alone_with_the_injected_failures_as_evidence()
    {
        var rate = FaultFolders.Value(8);
        var cluster = HealthyExcept("database-service", d => d.Spec.Template.Spec.Containers[0].Env.Single(e => e.Name == "CHAOS_FAILURE_RATE").Value = rate);
        await using var api = await FakeKubernetesApi.StartAsync(cluster);

        var finding = Assert.Single((await Diagnose(api)).Findings);

        Assert.Equal(8, finding.Fault);
        Assert.Contains(finding.Evidence, e => e.Contains($"4 lines): Injected failure: CHAOS_FAILURE_RATE={rate} failed the store", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Injected_failures_in_the_log_are_fault_8_even_when_the_deployment_no_longer_says_so()
    {
        var cluster = Healthy();
        var database = cluster.Pod("database-service").Metadata.Name;
        cluster.Log(database, previous: false, FakeCluster.Line("database-service", "CloudMart.DatabaseService", LogLevel.Error, new EventId(2, "ChaosInjectedFailure"),
            "Injected failure: CHAOS_FAILURE_RATE=0.5 failed the store of order ord-9 on purpose", ("Rate", 0.5), ("OrderId", "ord-9")));
        await using var api = await FakeKubernetesApi.StartAsync(cluster);

        var finding = Assert.Single((await Diagnose(api)).Findings);

        Assert.Equal(8, finding.Fault);
        Assert.Equal("Deployment/database-service", finding.Location.Resource);
    }

    [Fact]
    public async Task Oom_kill_with_AL_imit_that_covers_the_need_is_AP_roblem_that_is_no_lab_fault()
    {
        var cluster = Healthy();
        Restarted(cluster, "api-service", restarts: 2, reason: "OOMKilled", exitCode: 137);
        await using var api = await FakeKubernetesApi.StartAsync(cluster);

        var finding = Assert.Single((await Diagnose(api)).Findings);

        Assert.Null(finding.Fault);
        Assert.Equal("api-service", finding.Service);
        Assert.Contains("OOMKilled", finding.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Crash_with_AF_atal_line_on_another_variable_is_AP_roblem_that_is_no_lab_fault()
    {
        var cluster = Healthy();
        var status = Restarted(cluster, "auth-service", restarts: 5, reason: "Error", exitCode: 1);
        status.Ready = false;
        status.State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "CrashLoopBackOff" } };
        cluster.Log(cluster.Pod("auth-service").Metadata.Name, previous: true,
            """{"timestamp":"2025-11-20T10:29:00.000Z","level":"fatal","service":"auth-service","message":"FATAL: TOKEN_LIFETIME_MINUTES has the value 'soon'; expected a whole number of minutes greater than 0. auth-service cannot start.","attributes":{"variable":"TOKEN_LIFETIME_MINUTES","value":"soon","expected":"a whole number of minutes greater than 0"}}""");
        await using var api = await FakeKubernetesApi.StartAsync(cluster);

        var finding = Assert.Single((await Diagnose(api)).Findings);

        Assert.Null(finding.Fault);
        Assert.Equal(CheckNames.Pods, finding.Check);
        Assert.Equal("spec.template.spec.containers[0].env[TOKEN_LIFETIME_MINUTES]", finding.Location.Field);
        Assert.Contains("FATAL: TOKEN_LIFETIME_MINUTES", finding.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Built_image_missing_from_the_cluster_is_AP_roblem_that_is_no_lab_fault()
    {
        var cluster = Healthy();
        var status = cluster.Pod("notification-service").Status.ContainerStatuses[0];
        status.Ready = false;
        status.State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "ErrImagePull", Message = "image not found" } };
        await using var api = await FakeKubernetesApi.StartAsync(cluster);

        var finding = Assert.Single((await Diagnose(api)).Findings);

        Assert.Null(finding.Fault);
        Assert.Contains("build-and-import.sh", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Empty_namespace_reports_each_missing_component_and_checks_no_fault()
    {
        await using var api = await FakeKubernetesApi.StartAsync(Healthy());

        var report = await Diagnose(api, "staging");

        Assert.Equal(ServiceCatalog.All.Count * 2, report.Findings.Count(f => f.Check == CheckNames.Inventory));
        Assert.All(report.Faults, f => Assert.Equal(FaultState.NotChecked, f.State));
    }

    [Fact]
    public async Task Kubeconfig_and_its_named_context_reach_the_cluster()
    {
        await using var api = await FakeKubernetesApi.StartAsync(Broken());
        var kubeconfig = api.WriteKubeconfig(_folder, context: "lab", currentElsewhere: true);

        var report = await ClusterDiagnosis.RunAsync(new ClusterTarget(kubeconfig, "lab"), Repo.Root, Timeout());

        Assert.Equal(8, report.Findings.Count(f => f.Fault is not null));
        Assert.StartsWith(api.Url, report.Target, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kubeconfigs_current_context_is_used_without_context_and_an_unreachable_server_is_an_access_error()
    {
        await using var api = await FakeKubernetesApi.StartAsync(Broken());
        var kubeconfig = api.WriteKubeconfig(_folder, context: "fake", currentElsewhere: true);

        var error = await Assert.ThrowsAsync<ClusterAccessException>(() => ClusterDiagnosis.RunAsync(new ClusterTarget(kubeconfig), Repo.Root, Timeout()));

        Assert.Contains("http://127.0.0.1:9", error.Message, StringComparison.Ordinal);
        Assert.Contains("does not answer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refused_credentials_are_an_access_error_saying_so()
    {
        await using var api = await FakeKubernetesApi.StartAsync(Broken());
        var kubeconfig = api.WriteKubeconfig(_folder, token: "wrong", context: "fake", currentElsewhere: true);

        var error = await Assert.ThrowsAsync<ClusterAccessException>(() => ClusterDiagnosis.RunAsync(new ClusterTarget(kubeconfig, "fake"), Repo.Root, Timeout()));

        Assert.True(error.Message.Contains("401", StringComparison.Ordinal), error.Message);
    }

    [Fact]
    public void Missing_kubeconfig_or_context_is_an_access_error_naming_it()
    {
        var missing = Path.Combine(_folder, "no-such-kubeconfig");

        var error = Assert.Throws<ClusterAccessException>(() => new ClusterTarget(missing).Connect());
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);

        var kubeconfig = Path.Combine(_folder, "kubeconfig");
        File.WriteAllText(kubeconfig, "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n");
        var noContext = Assert.Throws<ClusterAccessException>(() => new ClusterTarget(kubeconfig, "lab").Connect());
        Assert.Contains("lab", noContext.Message, StringComparison.Ordinal);
    }
}
