namespace CloudMart.Manifests.Tests;

/// <summary>
/// <c>diff -r k8s/day-4/broken-production k8s/day-4/solution</c> shows the seven manifest fixes,
/// the patch of fault 7, and nothing else: a trainer can read the whole answer from that diff.
/// </summary>
public class SolutionDiffTests
{
    /// <summary>Per file, the exact lines the fixes remove (-) and add (+), in file order.</summary>
    static readonly Dictionary<string, string[]> ExpectedChanges = new()
    {
        ["01-namespace.yaml"] = [],
        ["02-gateway.yaml"] = ["-    app: nginx-gateway", "+    app: gateway"], // fault 5
        ["03-api-service.yaml"] = ["-              port: 8080", "+              port: 3000"], // fault 4
        ["04-auth-service.yaml"] = ["-              memory: 64Mi", "+              memory: 128Mi"], // fault 6
        ["05-order-service.yaml"] = ["-              value: http://database:8080", "+              value: http://database-service:8080"], // fault 3
        ["06-database-service.yaml"] = // faults 1 and 8
        [
            "+            - name: DB_NAME",
            "+              value: cloudmart-db",
            "-              value: \"0.5\"",
            "+              value: \"0\"",
        ],
        ["07-notification-service.yaml"] = ["-          image: notification-service:v2.0", "+          image: notification-service:latest"], // fault 2
        ["08-customers.yaml"] = [], // the lab's customers, the same in both
    };

    [Fact]
    public void Folders_differ_only_by_the_patch_of_fault_7()
    {
        static string[] Files(string dir) => Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

        var broken = Files(Repo.BrokenManifestsDir);
        var solution = Files(Repo.SolutionManifestsDir);

        Assert.Equal(ExpectedChanges.Keys.Order(StringComparer.Ordinal), broken);
        Assert.Equal([.. broken, "fault-7-retry-backoff.patch"], solution);
        Assert.Empty(Directory.GetDirectories(Repo.BrokenManifestsDir));
        Assert.Empty(Directory.GetDirectories(Repo.SolutionManifestsDir));
    }

    [Theory]
    [MemberData(nameof(ManifestFiles))]
    public void File_differs_only_by_its_fixes(string file)
    {
        var changes = LineDiff.CompareFiles(Path.Combine(Repo.BrokenManifestsDir, file), Path.Combine(Repo.SolutionManifestsDir, file));

        Assert.Equal(ExpectedChanges[file], changes.Select(c => c.ToString()));
    }

    [Fact]
    public void Line_diff_reports_removed_and_added_lines()
    {
        var changes = LineDiff.Compare(["a", "b", "c", "d"], ["a", "x", "c", "d", "e"]);

        Assert.Equal(["-b", "+x", "+e"], changes.Select(c => c.ToString()));
    }

    public static TheoryData<string> ManifestFiles() => new(ExpectedChanges.Keys.Order(StringComparer.Ordinal));
}
