using YamlDotNet.RepresentationModel;

namespace CloudMart.Observability.Tests;

/// <summary>One alerting rule of the lab's rules file.</summary>
public sealed record AlertRule(string Name, string Expression);

/// <summary>The lab's alerting rules, read from <see cref="MonitoringFiles.AlertRules"/>.</summary>
public static class AlertRules
{
    public static IReadOnlyList<AlertRule> Load()
    {
        var yaml = new YamlStream();
        using (var reader = File.OpenText(MonitoringFiles.AlertRules))
        {
            yaml.Load(reader);
        }
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        return [.. ((YamlSequenceNode)root["groups"])
            .SelectMany(group => (YamlSequenceNode)((YamlMappingNode)group)["rules"])
            .Cast<YamlMappingNode>()
            .Select(rule => new AlertRule(((YamlScalarNode)rule["alert"]).Value!, ((YamlScalarNode)rule["expr"]).Value!))];
    }

    public static AlertRule Named(string name) => Load().Single(rule => rule.Name == name);
}
