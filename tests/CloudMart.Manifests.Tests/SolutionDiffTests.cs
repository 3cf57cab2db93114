namespace CloudMart.Manifests.Tests;

/// <summary>
/// <c>diff -r k8s/day-4/broken-production k8s/day-4/solution</c> shows the shipped faults' fixes and
/// nothing else, each fault's lines in the file its catalog entry names: a trainer can read the
/// whole answer from that diff. The expected lines come from the catalog: each fault applied alone
/// to the solution changes the lines it changes in broken-production, and together they change
/// nothing more.
/// </summary>
public class SolutionDiffTests
{
    static readonly LabRepository Repository = LabRepository.Find(AppContext.BaseDirectory);

    static readonly IncidentCatalog Catalog = IncidentCatalog.For(Repository);

    [Fact]
    public void Folders_differ_only_by_the_code_faults_fix_patches()
    {
        static string[] Files(string dir) => Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

        var broken = Files(Repo.BrokenManifestsDir);
        var solution = Files(Repo.SolutionManifestsDir);
        var fixes = Catalog.Faults.Where(f => f.Kind == FaultKind.Code).Select(f => f.CodeFix!).ToList();

        Assert.All(fixes, fix => Assert.StartsWith("k8s/day-4/solution/", fix, StringComparison.Ordinal));
        Assert.Equal([.. broken, .. fixes.Select(f => Path.GetFileName(f))], solution.Order(StringComparer.Ordinal).ToArray());
        Assert.Empty(Directory.GetDirectories(Repo.BrokenManifestsDir));
        Assert.Empty(Directory.GetDirectories(Repo.SolutionManifestsDir));
    }

    [Theory]
    [MemberData(nameof(ManifestFiles))]
    public void File_differs_only_by_the_fixes_of_its_faults(string file)
    {
        var changes = LineDiff.CompareFiles(Path.Combine(Repo.BrokenManifestsDir, file), Path.Combine(Repo.SolutionManifestsDir, file));
        var solution = File.ReadAllLines(Path.Combine(Repo.SolutionManifestsDir, file));
        var expected = new List<string>();
        foreach (var fault in Catalog.Shipped.Where(f => f.Kind == FaultKind.Manifest))
        {
            var alone = IncidentGenerator.Generate(Repository, Catalog, [fault]).Single(f => f.Name == file).Content;
            var own = LineDiff.Compare(alone.Split('\n')[..^1], solution).Select(c => c.ToString()).ToList();
            Assert.True(fault.File == file || own.Count == 0, $"fault {fault.Id} changes {file}, but its catalog entry names {fault.File}");
            expected.AddRange(own);
        }

        Assert.Equal(expected.Order(StringComparer.Ordinal), changes.Select(c => c.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal(Catalog.Shipped.Any(f => f.File == file), changes.Count > 0);
    }

    [Fact]
    public void Line_diff_reports_removed_and_added_lines()
    {
        var changes = LineDiff.Compare(["a", "b", "c", "d"], ["a", "x", "c", "d", "e"]);

        Assert.Equal(["-b", "+x", "+e"], changes.Select(c => c.ToString()));
    }

    public static TheoryData<string> ManifestFiles() => new(Directory.GetFiles(Repo.SolutionManifestsDir, "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal)!);
}
