using k8s;
using k8s.Models;
using YamlDotNet.RepresentationModel;

namespace CloudMart.Observability.Tests;

/// <summary>
/// The cluster stack checked offline (no cluster runs here): every manifest parses into the
/// Kubernetes client's typed objects, the names the lab relies on are there, and the dashboard is sound.
/// </summary>
public sealed class MonitoringStackTests
{
    static readonly string[] ScrapedServices = ["api-service", "auth-service", "order-service", "database-service", "notification-service"];

    static YamlMappingNode Kustomization()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(MonitoringFiles.Folder, "kustomization.yaml"))));
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    static List<object> Objects() =>
        [.. ((YamlSequenceNode)Kustomization()["resources"]).Select(r => ((YamlScalarNode)r).Value!)
            .SelectMany(file => KubernetesYaml.LoadAllFromString(File.ReadAllText(Path.Combine(MonitoringFiles.Folder, file))))];

    [Fact]
    public void Every_manifest_parses_and_every_generated_file_exists()
    {
        Assert.NotEmpty(Objects());
        var files = ((YamlSequenceNode)Kustomization()["configMapGenerator"])
            .SelectMany(g => (YamlSequenceNode)((YamlMappingNode)g)["files"]).Select(f => ((YamlScalarNode)f).Value!).ToList();
        Assert.Contains("prometheus/cloudmart-alerts.yml", files);
        Assert.All(files, file => Assert.True(File.Exists(Path.Combine(MonitoringFiles.Folder, file)), file));
        Assert.Equal("monitoring", ((YamlScalarNode)Kustomization()["namespace"]).Value);
    }

    [Fact]
    public void A_service_named_tempo_takes_otlp_grpc_on_4317_as_the_lab_manifests_expect()
    {
        var objects = Objects();
        var tempo = objects.OfType<V1Service>().Single(s => s.Metadata.Name == "tempo");
        Assert.Contains(tempo.Spec.Ports, p => p.Port == 4317);
        var lgtm = objects.OfType<V1Deployment>().Single(d => d.Spec.Selector.MatchLabels["app"] == tempo.Spec.Selector["app"]);
        var container = lgtm.Spec.Template.Spec.Containers.Single();
        Assert.StartsWith("grafana/otel-lgtm:", container.Image);
        Assert.Contains(container.Ports, p => p.ContainerPort == 4317);
        Assert.Contains(objects.OfType<V1Namespace>(), n => n.Metadata.Name == "monitoring");
        Assert.Contains(objects.OfType<V1Deployment>(), d => d.Spec.Template.Spec.Containers.Any(c => c.Image.Contains("kube-state-metrics")));
        Assert.Contains(lgtm.Spec.Template.Spec.Volumes, v => v.HostPath?.Path == "/var/log/pods");
    }

    [Theory]
    [InlineData("broken-production")]
    [InlineData("solution")]
    public void The_five_services_pods_invite_prometheus_to_their_metrics_port(string folder)
    {
        var deployments = Directory.GetFiles(Path.Combine(TestMachine.RepositoryRoot, "k8s", "day-4", folder), "*.yaml")
            .SelectMany(f => KubernetesYaml.LoadAllFromString(File.ReadAllText(f))).OfType<V1Deployment>().ToList();
        foreach (var name in ScrapedServices)
        {
            var pod = deployments.Single(d => d.Metadata.Name == name).Spec.Template;
            var annotations = pod.Metadata.Annotations;
            Assert.Equal("true", annotations["prometheus.io/scrape"]);
            Assert.Equal("/metrics", annotations["prometheus.io/path"]);
            Assert.Contains(pod.Spec.Containers.Single().Ports, p => p.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture) == annotations["prometheus.io/port"]);
        }
    }

    [Fact]
    public void The_dashboard_uses_only_the_provisioned_datasources_and_covers_the_signals()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(MonitoringFiles.Dashboard));
        var datasources = File.ReadAllText(Path.Combine(MonitoringFiles.Folder, "grafana", "datasources.yaml"));
        var panels = dashboard.RootElement.GetProperty("panels").EnumerateArray().ToList();
        Assert.All(panels, p => Assert.Contains($"uid: {p.GetProperty("datasource").GetProperty("uid").GetString()}", datasources));
        var ids = panels.Select(p => p.GetProperty("id").GetInt32()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        var expressions = string.Join("\n", DashboardExpressions.Load());
        foreach (var needed in new[] { "cloudmart_dependency_retries_total", "kube_pod_container_status_restarts_total", "kube_pod_container_resource_limits", "ALERTS", "histogram_quantile(0.99" })
        {
            Assert.Contains(needed, expressions);
        }
    }
}

/// <summary>The PromQL of the dashboard and the rules file.</summary>
public static class DashboardExpressions
{
    public static IReadOnlyList<string> Load()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(MonitoringFiles.Dashboard));
        return [.. dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!)];
    }

    /// <summary>Grafana's interval variable, as a plain range Prometheus itself accepts.</summary>
    public static string ForPrometheus(string expression) => expression.Replace("$__rate_interval", "1m", StringComparison.Ordinal);
}

/// <summary>
/// Every PromQL expression of the dashboard and the rules runs against the real Prometheus scraping
/// a healthy local run: each parses, and each the local run can feed returns data.
/// </summary>
[Collection(LiveCollection.Name)]
public sealed partial class PromQlOnLocalRunTests(HealthyLab lab, ITestOutputHelper output) : IClassFixture<HealthyLab>
{
    /// <summary>Series only a cluster has (kube-state-metrics, cAdvisor), or only a faulty system: they must parse, not return data here.</summary>
    static bool LocalRunCannotFeed(string expression) =>
        expression.Contains("kube_", StringComparison.Ordinal) || expression.Contains("container_memory", StringComparison.Ordinal)
        || expression.Contains("ALERTS", StringComparison.Ordinal) || expression.Contains("\"5..\"", StringComparison.Ordinal)
        || expression.Contains("retries", StringComparison.Ordinal);

    [GeneratedRegex(@"\s*>\s*[0-9.]+\s*$")]
    private static partial Regex Threshold();

    [Fact]
    public async Task Every_dashboard_and_rule_expression_parses_and_the_local_ones_return_data()
    {
        await lab.CheckoutSeriesScrapedAsync();
        Assert.All(await lab.PlaceOrdersAsync(20), code => Assert.Equal(200, code));
        await Task.Delay(TimeSpan.FromSeconds(3));

        var expressions = DashboardExpressions.Load().Select(DashboardExpressions.ForPrometheus)
            // A rule's expression without its threshold: the measured value must exist on a healthy run.
            .Concat(AlertRules.Load().Select(r => Threshold().Replace(r.Expression, "")))
            .ToList();
        var empty = new List<string>();
        foreach (var expression in expressions)
        {
            var result = await lab.Prometheus.QueryAsync(expression);
            output.WriteLine($"{result.GetArrayLength(),3} series  {expression.ReplaceLineEndings(" ")}");
            if (!LocalRunCannotFeed(expression) && result.GetArrayLength() == 0)
            {
                empty.Add(expression);
            }
        }
        Assert.Empty(empty);
    }
}
