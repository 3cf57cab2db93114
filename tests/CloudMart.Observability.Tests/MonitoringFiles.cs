namespace CloudMart.Observability.Tests;

/// <summary>Where the monitoring stack's files live in the repository.</summary>
public static class MonitoringFiles
{
    public static string Folder => Path.Combine(TestMachine.RepositoryRoot, "k8s", "monitoring");

    public static string AlertRules => Path.Combine(Folder, "prometheus", "cloudmart-alerts.yml");

    public static string AlertRuleTests => Path.Combine(Folder, "prometheus", "cloudmart-alerts.test.yml");

    public static string Dashboard => Path.Combine(Folder, "grafana", "dashboards", "cloudmart.json");
}
