using System.Text.RegularExpressions;

namespace CloudMart.Manifests.Tests;

/// <summary>docs/trainer-guide.md covers every fault the same way, and the commands it gives exist.</summary>
public partial class TrainerGuideTests
{
    static readonly string Guide = File.ReadAllText(Path.Combine(Repo.Root, "docs", "trainer-guide.md"));

    public static TheoryData<int> FaultNumbers() => new(LabFaults.All.Select(f => f.Number));

    [Theory]
    [MemberData(nameof(FaultNumbers))]
    public void Each_fault_has_symptom_cause_impact_how_to_find_and_fix(int number)
    {
        var section = Section(number);

        Assert.True(section.Success, $"no section '### Fault {number} — …'");
        foreach (var part in new[] { "**Symptom:**", "**Root cause:**", "**Impact:**", "**How to find it:**", "**Fix:**" })
        {
            Assert.Contains(part, section.Value, StringComparison.Ordinal);
        }
    }

    /// <summary>The guide tells of each fault what the catalog says: its component, its file and the value of its fix.</summary>
    [Theory]
    [MemberData(nameof(FaultNumbers))]
    public void Each_fault_names_the_component_file_and_fix_of_the_catalog(int number)
    {
        var fault = LabFaults.Get(number);
        var section = Section(number).Value;
        var heading = section[..section.IndexOf('\n', StringComparison.Ordinal)];
        var rootCause = section[section.IndexOf("**Root cause:**", StringComparison.Ordinal)..section.IndexOf("**Impact:**", StringComparison.Ordinal)];
        var fix = section[section.IndexOf("**Fix:**", StringComparison.Ordinal)..];

        Assert.Contains(fault.Service, heading, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileName(fault.Where), rootCause, StringComparison.Ordinal);
        Assert.Contains(fault.Fix, fix, StringComparison.Ordinal);
    }

    /// <summary>One section per fault of the catalog (the guide's eight and the further ones), in order.</summary>
    [Fact]
    public void It_has_one_section_per_fault_of_the_catalog()
    {
        var headings = Regex.Matches(Guide, @"^### Fault (\d+) — ", RegexOptions.Multiline).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(LabFaults.All.Select(f => f.Number), headings);
    }

    static Match Section(int number) =>
        Regex.Match(Guide, $@"^### Fault {number} — .*?(?=^##)", RegexOptions.Multiline | RegexOptions.Singleline);

    [Fact]
    public void Solution_steps_apply_the_patch_rebuild_apply_and_restart()
    {
        string[] steps =
        [
            "git apply k8s/day-4/solution/fault-7-retry-backoff.patch",
            "./services/day-4/broken-production/build-and-import.sh brokenprod",
            "kubectl apply -f k8s/day-4/solution/",
            "kubectl rollout restart deployment -n production",
        ];

        var section = Guide[Guide.IndexOf("## Applying the solution", StringComparison.Ordinal)..];
        var positions = steps.Select(step => section.IndexOf(step, StringComparison.Ordinal)).ToList();
        Assert.All(positions, p => Assert.True(p >= 0));
        Assert.Equal(positions.Order(), positions);
    }

    [Fact]
    public void Every_repository_path_it_names_exists()
    {
        var paths = RepoPath().Matches(Guide).Select(m => m.Value.TrimEnd('.', ',', ')')).Distinct().ToList();

        Assert.NotEmpty(paths);
        Assert.All(paths, path => Assert.True(File.Exists(Path.Combine(Repo.Root, path)) || Directory.Exists(Path.Combine(Repo.Root, path)), $"{path} does not exist"));
    }

    [GeneratedRegex(@"(?<![\w/.-])(?:k8s|services)/day-4/[\w./-]+")]
    private static partial Regex RepoPath();
}
