using System.Text.Json;
using CloudMart.Diagnosis;
using CloudMart.Incidents;

namespace CloudMart.Cli.Tests.Commands;

/// <summary>The lab verbs over the repository's incident catalog, run in process.</summary>
public sealed class LabCommandTests : IDisposable
{
    readonly TempFolder _folder = new();

    static readonly LabRepository Repository = new(TestMachine.RepositoryRoot);

    static readonly IncidentCatalog Catalog = IncidentCatalog.For(Repository);

    Task<CliResult> Run(params string[] args) => InProcessCli.RunAsync(_folder.Path, args, width: 240);

    [Fact]
    public async Task Faults_lists_every_catalog_fault_without_its_fix()
    {
        var result = await Run("lab", "faults", "-o", "json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.Equal(Catalog.Faults.Select(f => f.Id), json.RootElement.EnumerateArray().Select(e => e.GetProperty("id").GetInt32()));
        Assert.All(json.RootElement.EnumerateArray(), e => Assert.False(e.TryGetProperty("fix", out _)));
        Assert.DoesNotContain(Catalog.Get(1).Fix, result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task New_with_the_shipped_faults_writes_exactly_broken_production()
    {
        var output = Path.Combine(_folder.Path, "shipped");
        var result = await Run(["lab", "new", .. Catalog.Shipped.SelectMany(f => new[] { "--fault", f.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }), "--out", output]);

        Assert.Equal(0, result.ExitCode);
        var broken = Directory.GetFiles(Repository.BrokenManifestsDir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(broken, Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.All(broken, name => Assert.Equal(File.ReadAllBytes(Path.Combine(Repository.BrokenManifestsDir, name!)), File.ReadAllBytes(Path.Combine(output, name!))));
    }

    [Fact]
    public async Task New_with_a_seed_is_byte_identical_each_time_and_prints_the_seed_but_no_answer()
    {
        var first = Path.Combine(_folder.Path, "a");
        var second = Path.Combine(_folder.Path, "b");
        var one = await Run("lab", "new", "--seed", "42", "--faults", "4", "--out", first);
        var two = await Run("lab", "new", "--seed", "42", "--faults", "4", "--out", second);

        Assert.Equal(0, one.ExitCode);
        Assert.Contains("seed: 42", one.Stdout, StringComparison.Ordinal);
        Assert.Equal(Directory.GetFiles(first).Select(Path.GetFileName), Directory.GetFiles(second).Select(Path.GetFileName));
        Assert.All(Directory.GetFiles(first), f => Assert.Equal(File.ReadAllBytes(f), File.ReadAllBytes(Path.Combine(second, Path.GetFileName(f)))));
        var drawn = Incident.FromSeed(Catalog, 42, 4, out _)!;
        Assert.All(drawn.Faults, f =>
        {
            Assert.DoesNotContain(f.Title, one.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain(f.Fix, one.Stdout, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task New_without_seed_or_fault_picks_a_seed_that_replays_the_same_incident()
    {
        var first = Path.Combine(_folder.Path, "random");
        var result = await Run("lab", "new", "--out", first);
        var seed = result.Stdout.Split('\n').Single(l => l.StartsWith("seed: ", StringComparison.Ordinal))["seed: ".Length..].Trim();
        var again = Path.Combine(_folder.Path, "again");
        await Run("lab", "new", "--seed", seed, "--out", again);

        Assert.Equal(0, result.ExitCode);
        Assert.All(Directory.GetFiles(first), f => Assert.Equal(File.ReadAllBytes(f), File.ReadAllBytes(Path.Combine(again, Path.GetFileName(f)))));
    }

    [Fact]
    public async Task An_incident_without_a_code_fault_comes_with_the_code_fix_and_the_build_steps()
    {
        var manifestFault = Catalog.Faults.First(f => f.Kind == FaultKind.Manifest);
        var output = Path.Combine(_folder.Path, "one");
        var result = await Run("lab", "new", "--fault", manifestFault.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", output);

        var patch = File.ReadAllText(Path.Combine(output, IncidentGenerator.CodePatchName));
        Assert.All(Catalog.Faults.Where(f => f.Kind == FaultKind.Code), f => Assert.Contains(File.ReadAllText(Path.Combine(Repository.Root, f.CodeFix!)), patch, StringComparison.Ordinal));
        Assert.Contains("git apply ", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("build-and-import.sh", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Answers_prints_the_key_of_the_seed()
    {
        var result = await Run("lab", "answers", "--seed", "42", "--faults", "4", "-o", "json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        var drawn = Incident.FromSeed(Catalog, 42, 4, out _)!;
        Assert.Equal(drawn.Faults.Select(f => f.Id), json.RootElement.GetProperty("key").EnumerateArray().Select(e => e.GetProperty("id").GetInt32()));
        Assert.Equal(drawn.Faults.Select(f => f.KeyFix), json.RootElement.GetProperty("key").EnumerateArray().Select(e => e.GetProperty("fix").GetString()));
    }

    [Fact]
    public async Task Answers_say_of_a_fault_in_a_file_it_adds_that_it_adds_it_and_that_deleting_it_fixes_it()
    {
        Assert.Contains(Catalog.Faults, f => f.AddsFile);
        // The first seed whose default draw has such a fault.
        var seed = Enumerable.Range(0, 1000).First(s => Incident.FromSeed(Catalog, s, null, out _)!.Faults.Any(f => f.AddsFile));
        var added = Incident.FromSeed(Catalog, seed, null, out _)!.Faults.First(f => f.AddsFile);

        var json = await Run("lab", "answers", "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", "json");
        var table = await Run("lab", "answers", "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture));

        using var key = JsonDocument.Parse(json.Stdout);
        var row = key.RootElement.GetProperty("key").EnumerateArray().Single(e => e.GetProperty("id").GetInt32() == added.Id);
        Assert.Equal($"{added.File} (added by the fault)", row.GetProperty("where").GetString());
        Assert.Contains($"kubectl delete -f {added.File}", row.GetProperty("fix").GetString(), StringComparison.Ordinal);
        Assert.Contains("(added by the fault)", table.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grade_of_a_seeded_incident_says_fixed_still_broken_and_new_problems_and_summary_sums_the_reports()
    {
        var drawn = Incident.FromSeed(Catalog, 7, 3, out _)!;
        var manifest = drawn.Faults.Where(f => f.Kind == FaultKind.Manifest).ToList();
        var untouched = Path.Combine(_folder.Path, "untouched");
        var repaired = Path.Combine(_folder.Path, "repaired");
        await Run("lab", "new", "--seed", "7", "--faults", "3", "--out", untouched);
        // A learner who repairs everything by putting the solution back, and breaks something the incident did not have.
        var outside = Catalog.Faults.First(f => f.Kind == FaultKind.Manifest && !drawn.Faults.Contains(f) && !drawn.Faults.Any(d => d.ConflictsWith(f)));
        await Run("lab", "new", "--fault", outside.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", repaired);

        var broken = await Run("diagnose", untouched, "--grade", "--seed", "7", "--faults", "3", "-o", "json");
        var fixedUp = await Run("diagnose", repaired, "--grade", "--seed", "7", "--faults", "3", "-o", "json");
        var table = await Run("diagnose", repaired, "--grade", "--seed", "7", "--faults", "3");

        Assert.Equal((int)ExitCodes.ProblemsFound, broken.ExitCode);
        var report = GradeReport.Parse(broken.Stdout);
        Assert.Equal(7, report.Seed);
        Assert.Equal(drawn.Faults.Select(f => f.Id), report.Faults.Select(f => f.Number));
        Assert.All(report.Faults.Where(f => manifest.Any(m => m.Id == f.Number)), f => Assert.Equal(FaultState.Present, f.State));
        Assert.Empty(report.NewProblems);
        var after = GradeReport.Parse(fixedUp.Stdout);
        Assert.All(after.Faults.Where(f => manifest.Any(m => m.Id == f.Number)), f => Assert.Equal(FaultState.Fixed, f.State));
        Assert.Equal(outside.Id, Assert.Single(after.NewProblems).Fault);
        Assert.Contains("still broken", (await Run("diagnose", untouched, "--grade", "--seed", "7", "--faults", "3")).Stdout, StringComparison.Ordinal);
        Assert.Contains("new problem", table.Stdout, StringComparison.Ordinal);

        var first = Path.Combine(_folder.Path, "ann.json");
        var second = Path.Combine(_folder.Path, "bob.json");
        await File.WriteAllTextAsync(first, broken.Stdout);
        await File.WriteAllTextAsync(second, fixedUp.Stdout);
        var summary = await Run("lab", "summary", first, second);

        Assert.Equal(0, summary.ExitCode);
        var rows = summary.Stdout.Split('\n');
        Assert.Contains(rows, r => r.Contains("ann", StringComparison.Ordinal) && r.Contains("broken", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains("bob", StringComparison.Ordinal) && r.Contains($"{manifest.Count}/{drawn.Faults.Count}", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains("total", StringComparison.Ordinal) && r.Contains($"{manifest.Count}/{2 * drawn.Faults.Count}", StringComparison.Ordinal));
        Assert.DoesNotContain("Verify", summary.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Summary_adds_verifys_result_for_the_reports_graded_with_verify()
    {
        var incident = Path.Combine(_folder.Path, "incident");
        await Run("lab", "new", "--seed", "7", "--faults", "3", "--out", incident);
        var graded = GradeReport.Parse((await Run("diagnose", incident, "--grade", "--seed", "7", "--faults", "3", "-o", "json")).Stdout);
        var files = new[]
        {
            ("ann", graded with { Verify = new VerifyOutcome(true, []) }),
            ("bob", graded with { Verify = new VerifyOutcome(false, ["orders", "logs"]) }),
            ("cid", graded),
        }.Select(r =>
        {
            var path = Path.Combine(_folder.Path, r.Item1 + ".json");
            File.WriteAllText(path, r.Item2.Serialize());
            return path;
        }).ToArray();

        var summary = await Run(["lab", "summary", .. files]);

        Assert.Equal(0, summary.ExitCode);
        var rows = summary.Stdout.Split('\n');
        Assert.Contains("Verify", rows.First(r => r.Contains("Report", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains(rows, r => r.Contains("ann", StringComparison.Ordinal) && r.Contains("passed", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains("bob", StringComparison.Ordinal) && r.Contains("failed: orders, logs", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains("cid", StringComparison.Ordinal) && !r.Contains("passed", StringComparison.Ordinal) && !r.Contains("failed", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Contains("total", StringComparison.Ordinal) && r.Contains("1/2 passed", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("lab new --fault 1 --seed 3 --out X", "--seed 3")]
    [InlineData("lab new --seed 5 --faults 999 --out X", "999")]
    [InlineData("lab summary NOPE.json", "NOPE.json")]
    [InlineData("diagnose k8s/day-4/broken-production --grade --faults 3", "--faults '3'")]
    [InlineData("diagnose --cluster --verify", "add --grade")]
    [InlineData("diagnose k8s/day-4/broken-production --grade --verify", "FOLDER 'k8s/day-4/broken-production'")]
    [InlineData("diagnose --cluster --grade --verify -o json", "add --seed N or --fault ID")]
    public async Task Bad_input_is_one_line_naming_the_value_and_nothing_is_written(string commandLine, string named)
    {
        var args = commandLine.Replace("X", Path.Combine(_folder.Path, "x"), StringComparison.Ordinal).Split(' ');

        var result = await Run(args);

        Assert.Equal((int)ExitCodes.UsageError, result.ExitCode);
        Assert.Contains(named, Assert.Single(result.StderrLines), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_folder.Path, "x")));
    }

    [Fact]
    public async Task Two_faults_that_exclude_each_other_are_refused_when_the_catalog_has_such_a_pair()
    {
        var pair = Catalog.Faults.SelectMany(a => a.Excludes.Select(b => (a.Id, b))).FirstOrDefault();
        var (a, b) = pair == default ? (1, 1) : pair;
        var result = await Run("lab", "new", "--fault", $"{a}", "--fault", $"{b}", "--out", Path.Combine(_folder.Path, "x"));

        // Without a pair in the catalog the same fault twice is one fault, and is written.
        Assert.Equal(pair == default ? 0 : (int)ExitCodes.UsageError, result.ExitCode);
        if (pair != default)
        {
            Assert.Contains("exclude each other", Assert.Single(result.StderrLines), StringComparison.Ordinal);
        }
    }

    public void Dispose() => _folder.Dispose();
}
