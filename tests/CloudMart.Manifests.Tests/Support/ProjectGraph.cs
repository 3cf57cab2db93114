using System.Xml.Linq;

namespace CloudMart.Manifests.Tests.Support;

/// <summary>The repository's project references, read from the csproj files (paths from the repository root, with '/').</summary>
public static class ProjectGraph
{
    /// <summary>The projects <paramref name="project"/> references directly.</summary>
    public static IReadOnlyList<string> References(string project)
    {
        var folder = Path.GetDirectoryName(Path.Combine(Repo.Root, project))!;
        return [.. XDocument.Load(Path.Combine(Repo.Root, project)).Descendants("ProjectReference")
            .Select(r => Relative(Path.GetFullPath(Path.Combine(folder, r.Attribute("Include")!.Value))))];
    }

    /// <summary>The projects <paramref name="project"/> needs to build: itself and every project it references, directly or not.</summary>
    public static IReadOnlySet<string> Closure(string project)
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        var next = new Stack<string>([project]);
        while (next.TryPop(out var current))
        {
            if (seen.Add(current))
            {
                foreach (var reference in References(current))
                {
                    next.Push(reference);
                }
            }
        }
        return seen;
    }

    static string Relative(string path) => Path.GetRelativePath(Repo.Root, path).Replace('\\', '/');
}
