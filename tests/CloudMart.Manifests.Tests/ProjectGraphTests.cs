using System.Xml.Linq;

namespace CloudMart.Manifests.Tests;

/// <summary>docs/architecture.md lists every project reference outside tests/; the list must be the csproj files' references, no more and no less.</summary>
public class ProjectGraphTests
{
    static readonly string Doc = Path.Combine(Repo.Root, "docs", "architecture.md");

    static string Name(string project) => Path.GetFileNameWithoutExtension(project);

    /// <summary>Each project's references as "A, B; builds C" from its csproj (build-only ones after "builds").</summary>
    static SortedDictionary<string, string> FromProjects()
    {
        var projects = Directory.GetFiles(Repo.Root, "*.csproj", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(Repo.Root, p).Replace('\\', '/'))
            .Where(p => !p.StartsWith("tests/", StringComparison.Ordinal) && !p.Split('/').Any(s => s is "bin" or "obj" || s.StartsWith('.')));
        var graph = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var project in projects)
        {
            var references = XDocument.Load(Path.Combine(Repo.Root, project)).Descendants("ProjectReference").ToList();
            bool BuildOnly(XElement r) => (string?)r.Attribute("ReferenceOutputAssembly") == "false";
            var used = references.Where(r => !BuildOnly(r)).Select(r => Name(r.Attribute("Include")!.Value)).Order(StringComparer.Ordinal);
            var built = references.Where(BuildOnly).Select(r => Name(r.Attribute("Include")!.Value)).Order(StringComparer.Ordinal);
            graph[Name(project)] = Edges(used, built);
        }
        return graph;
    }

    static string Edges(IEnumerable<string> used, IEnumerable<string> built) =>
        string.Join(", ", used) + (built.Any() ? "; builds " + string.Join(", ", built) : "");

    static SortedDictionary<string, string> FromDoc()
    {
        var text = File.ReadAllText(Doc);
        var start = text.IndexOf("<!-- project-graph -->", StringComparison.Ordinal);
        var end = text.IndexOf("<!-- /project-graph -->", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, $"{Doc} has no <!-- project-graph --> list");
        var graph = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text[start..end].Split('\n').Where(l => l.StartsWith("- ", StringComparison.Ordinal)))
        {
            var parts = line[2..].Split(" → ", 2);
            var targets = parts[1].Trim() == "(nothing)" ? "" : parts[1].Trim();
            var sides = targets.Split("; builds ", 2);
            static IEnumerable<string> Names(string list) => list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal);
            graph.Add(parts[0].Trim(), Edges(Names(sides[0]), sides.Length > 1 ? Names(sides[1]) : []));
        }
        return graph;
    }

    [Fact]
    public void The_documented_graph_is_the_csproj_references()
    {
        Assert.Equal(FromProjects(), FromDoc());
    }

    [Fact]
    public void The_lab_tools_never_reference_each_other_sideways()
    {
        var graph = FromProjects();

        Assert.DoesNotContain("CloudMart.Diagnosis", graph["CloudMart.Lab"], StringComparison.Ordinal);
        Assert.Equal("", graph["CloudMart.Catalog"]);
        Assert.All(graph.Where(p => p.Key.StartsWith("CloudMart.", StringComparison.Ordinal) && p.Key != "CloudMart.Cli"),
            p => Assert.DoesNotContain("Service", p.Value.Replace("CloudMart.ServiceDefaults", "", StringComparison.Ordinal), StringComparison.Ordinal));
    }
}
