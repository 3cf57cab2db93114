namespace CloudMart.Observability.Tests;

/// <summary>The trainer's guide quotes PromQL only as it stands in the dashboard or the rules file, so the two cannot drift apart.</summary>
public sealed partial class TrainerGuideTests
{
    [GeneratedRegex("`([^`\n]+)`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"\b[a-z]+_[a-z_]+(_total|_bytes|_seconds\w*)\b|\bkube_[a-z_]+")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Space();

    static string Normal(string text) => Space().Replace(text, " ");

    [Fact]
    public void Every_query_in_the_trainers_guide_comes_from_the_dashboard_or_the_rules()
    {
        var guide = File.ReadAllText(Path.Combine(TestMachine.RepositoryRoot, "docs", "trainer-guide.md"));
        // A query, as opposed to a bare metric name: a metric with a selector or inside a function.
        var queries = CodeSpan().Matches(Normal(guide.Replace("```", "", StringComparison.Ordinal))).Select(m => m.Groups[1].Value)
            .Where(span => MetricName().IsMatch(span) && (span.Contains('{') || span.Contains('(')))
            .ToList();
        Assert.NotEmpty(queries);
        var sources = Normal(string.Join("\n", DashboardExpressions.Load()) + "\n" + File.ReadAllText(MonitoringFiles.AlertRules));
        Assert.All(queries, query => Assert.True(sources.Contains(query, StringComparison.Ordinal), $"not in the dashboard or the rules: {query}"));
    }
}
