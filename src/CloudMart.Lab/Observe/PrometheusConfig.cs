using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CloudMart.Lab;

/// <summary>
/// prometheus.yml for Prometheus on this machine. It mirrors the cluster's scrape job
/// (k8s/monitoring/prometheus/prometheus.yaml): job <c>cloudmart</c>, each target labelled
/// <c>service</c> with its service's name, so the alert rules and the dashboard's PromQL read the same
/// series here as there. Kubernetes discovery becomes a static list of the local ports.
/// </summary>
public static class PrometheusConfig
{
    public const string JobName = "cloudmart";

    /// <summary>The one alert rules file, relative to the repository root.</summary>
    public const string AlertRulesPath = "k8s/monitoring/prometheus/cloudmart-alerts.yml";

    /// <summary>Scrapes <c>/metrics</c> of each target (service name → base URL) every <paramref name="interval"/>, evaluating <paramref name="ruleFiles"/> as often.</summary>
    public static string Render(IReadOnlyDictionary<string, Uri> targets, IEnumerable<string> ruleFiles, TimeSpan interval)
    {
        var seconds = Math.Max(1, (int)interval.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s";
        var config = new StringBuilder();
        // A scrape may take as long as the interval and no longer: Prometheus refuses a longer timeout.
        config.AppendLine($"global: {{scrape_interval: {seconds}, evaluation_interval: {seconds}, scrape_timeout: {seconds}}}");
        config.AppendLine("rule_files:");
        foreach (var rule in ruleFiles)
        {
            config.AppendLine($"  - {JsonSerializer.Serialize(rule)}");
        }
        config.AppendLine("scrape_configs:");
        config.AppendLine($"  - job_name: {JobName}");
        config.AppendLine("    static_configs:");
        foreach (var (service, url) in targets)
        {
            config.AppendLine($"      - targets: [{JsonSerializer.Serialize(url.Authority)}]");
            config.AppendLine($"        labels: {{service: {JsonSerializer.Serialize(service)}}}");
        }
        return config.ToString();
    }

    /// <summary>
    /// The command line: loopback only, exemplar storage on (the services' latency histograms carry
    /// trace ids), a short retention since a local run's history is worth little.
    /// </summary>
    public static IReadOnlyList<string> Arguments(string configFile, string dataFolder, int port) =>
    [
        $"--config.file={configFile}", $"--storage.tsdb.path={dataFolder}",
        $"--web.listen-address=127.0.0.1:{port}", "--enable-feature=exemplar-storage",
        "--storage.tsdb.retention.time=6h", "--log.level=warn",
    ];
}
