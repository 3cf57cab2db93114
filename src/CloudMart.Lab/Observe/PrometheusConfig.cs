using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

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
        var config = new YamlMappingNode
        {
            // A scrape may take as long as the interval and no longer: Prometheus refuses a longer timeout.
            { "global", Flow(new YamlMappingNode { { "scrape_interval", seconds }, { "evaluation_interval", seconds }, { "scrape_timeout", seconds } }) },
            { "rule_files", new YamlSequenceNode(ruleFiles.Select(Quoted)) },
            {
                "scrape_configs", new YamlSequenceNode(new YamlMappingNode
                {
                    { "job_name", JobName },
                    {
                        "static_configs", new YamlSequenceNode(targets.Select(target => new YamlMappingNode
                        {
                            { "targets", new YamlSequenceNode(Quoted(target.Value.Authority)) { Style = SequenceStyle.Flow } },
                            { "labels", Flow(new YamlMappingNode { { "service", Quoted(target.Key) } }) },
                        }))
                    },
                })
            },
        };
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        new YamlStream(new YamlDocument(config)).Save(text, assignAnchors: false);
        // Save ends the document with "...", which a config file does not need.
        return text.ToString().Replace("\n...\n", "\n", StringComparison.Ordinal);
    }

    static YamlMappingNode Flow(YamlMappingNode mapping)
    {
        mapping.Style = MappingStyle.Flow;
        return mapping;
    }

    static YamlScalarNode Quoted(string value) => new(value) { Style = ScalarStyle.DoubleQuoted };

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
