namespace CloudMart.Observability.Tests;

/// <summary>What <c>up --observe</c> writes and which ports it takes, checked without starting anything.</summary>
public sealed class ObserveConfigTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_local_prometheus_config_passes_promtool_with_the_real_rules_and_labels_each_service()
    {
        using var folder = new TempFolder();
        var targets = ServiceCatalog.Services.ToDictionary(s => s.Name, LabPorts.Default.Url);
        var config = PrometheusConfig.Render(targets, [MonitoringFiles.AlertRules], TimeSpan.FromSeconds(5));
        var file = Path.Combine(folder.Path, "prometheus.yml");
        await File.WriteAllTextAsync(file, config);

        var (exit, report) = await Promtool.RunAsync(null, "check", "config", file);
        output.WriteLine(report);
        Assert.True(exit == 0, report);
        Assert.Contains($"SUCCESS: {AlertRules.Load().Count} rules found", report);
        Assert.Contains($"job_name: {PrometheusConfig.JobName}", config);
        Assert.All(ServiceCatalog.Services, s => Assert.Contains($"labels: {{service: \"{s.Name}\"}}", config));
        Assert.Equal(Path.Combine(TestMachine.RepositoryRoot, PrometheusConfig.AlertRulesPath), MonitoringFiles.AlertRules);
    }

    [Fact]
    public void The_port_offset_moves_the_stack_so_two_runs_share_no_port()
    {
        var first = new ObservePorts(0).All.Select(p => p.Port).ToHashSet();
        var second = new ObservePorts(50).All.Select(p => p.Port).ToHashSet();
        Assert.Equal([18888, 18889, 9090], new ObservePorts(0).All.Select(p => p.Port));
        Assert.Empty(first.Intersect(second));
        Assert.DoesNotContain(first, port => ServiceCatalog.All.Any(c => LabPorts.Default.For(c) == port));
        Assert.Contains("outside 1-65535", new ObservePorts(50_000).Problem());
        Assert.Null(new ObservePorts(50).Problem());
    }

    [Fact]
    public void The_services_are_pointed_at_the_dashboards_receiver_for_every_signal()
    {
        var variables = ObserveStack.ServiceVariables(new ObservePorts(7));
        Assert.Equal("http://127.0.0.1:18896", variables["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("http://127.0.0.1:18896", variables["OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"]);
        Assert.Equal("http://127.0.0.1:18896", variables["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"]);
        Assert.Equal("grpc", variables["OTEL_EXPORTER_OTLP_PROTOCOL"]);
        Assert.True(File.Exists(ObserveSetup.DashboardExecutable()), $"{ObserveSetup.DashboardExecutable()} is missing: the restore did not download the dashboard");
    }
}
