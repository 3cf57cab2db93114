using System.CommandLine;
using System.Text.Json;
using CloudMart.Cli;
using CloudMart.Cli.Commands;
using CloudMart.Verification.Checks;
using Spectre.Console.Testing;

namespace CloudMart.Diagnosis.Tests.Cli;

/// <summary><c>cloudmart diagnose</c>'s handler against a fake console: its exit code and what it prints.</summary>
public sealed class DiagnoseCommandTests : IDisposable
{
    readonly TestConsole _console = new();
    readonly TempFolder _folder = new();

    /// <summary>As if run from the repository root, the way the guide's commands are.</summary>
    readonly DiagnoseEnvironment _environment = new() { RepositoryRoot = LabCopy.Repository.Root, WorkingDirectory = LabCopy.Repository.Root };

    public DiagnoseCommandTests()
    {
        _console.Profile.Width = 250;
    }

    public void Dispose()
    {
        _console.Dispose();
        _folder.Dispose();
    }

    Task<int> Invoke(params string[] args)
    {
        var root = new RootCommand("test") { DiagnoseCommand.Create(_console, _environment) };
        return CliInvocation.InvokeAsync(root, args, _console);
    }

    static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    [Fact]
    public async Task The_broken_folder_is_explained_fault_by_fault_and_exits_problems_found()
    {
        var code = await Invoke("diagnose", "k8s/day-4/broken-production");

        Assert.Equal((int)ExitCodes.ProblemsFound, code);
        var output = _console.Output;
        Assert.Contains("Diagnosis of k8s/day-4/broken-production (folder)", output);
        foreach (var column in new[] { "Fault", "Resource", "Field", "Value", "Expected", "Fix" })
        {
            Assert.Contains(column, output);
        }
        foreach (var fault in LabFaults.Shipped)
        {
            Assert.Contains($"{fault.Number}. Fault {fault.Number}: {fault.Title}", output);
        }
        Assert.Contains($"05-order-service.yaml:{DatabaseUrlLine()}", output);
        Assert.Contains("http://database-service:8080", output);
        Assert.Contains("Root cause", output);
        Assert.Contains("8 problems found: 8 lab faults (1, 2, 3, 4, 5, 6, 7, 8) and 0 other problems.", output);
    }

    [Fact]
    public async Task The_solution_with_its_code_fix_applied_has_no_problem_and_exits_Success()
    {
        using var copy = LabCopy.Solution();

        var code = await Invoke("diagnose", copy.Folder);

        Assert.Equal((int)ExitCodes.Success, code);
        Assert.Contains("No problem found.", _console.Output);
        Assert.Contains("note: retry policy:", _console.Output);
        Assert.DoesNotContain("Fault 1", _console.Output);
    }

    [Fact]
    public async Task Grading_the_broken_folder_says_0_of_8_and_exits_problems_found()
    {
        var code = await Invoke("diagnose", "k8s/day-4/broken-production", "--grade");

        Assert.Equal((int)ExitCodes.ProblemsFound, code);
        Assert.Contains("0 of 8 faults fixed", _console.Output);
        Assert.Equal(8, CountOf(_console.Output, "still present"));
    }

    [Fact]
    public async Task Grading_the_solution_with_its_code_fix_applied_says_8_of_8_and_exits_Success()
    {
        using var copy = LabCopy.Solution();

        var code = await Invoke("diagnose", copy.Folder, "--grade");

        Assert.Equal((int)ExitCodes.Success, code);
        Assert.Contains("8 of 8 faults fixed", _console.Output);
        Assert.Equal(8, System.Text.RegularExpressions.Regex.Count(_console.Output, @"│ fixed +│"));
    }

    [Fact]
    public async Task Grading_the_solution_folder_beside_the_shipped_code_leaves_fault_7_present_whatever_patch_lies_there()
    {
        Assert.True(File.Exists(Path.Combine(LabCopy.Repository.SolutionManifestsDir, "fault-7-retry-backoff.patch")));
        Assert.Contains("Shipped = RetryStrategy.Immediate;", await File.ReadAllTextAsync(LabCopy.Repository.RetryFaultSource), StringComparison.Ordinal);

        Assert.Contains("order-service: retries without backoff (code)", await TheOneFaultStillPresent("k8s/day-4/solution"));
    }

    [Fact]
    public async Task Grading_a_learners_folder_with_one_fault_left_lists_it_as_still_present()
    {
        var left = FaultFolders.Catalog.Get(6);
        using var copy = FaultFolders.Incident(left);

        Assert.Contains(left.Title, await TheOneFaultStillPresent(copy.Folder));
    }

    [Fact]
    public async Task Other_problems_fail_the_diagnosis_but_not_the_grade()
    {
        using var copy = LabCopy.Solution().Edit("03-api-service.yaml", "kind: Deployment", "replicas: 2", "replicas: 3");

        Assert.Equal((int)ExitCodes.ProblemsFound, await Invoke("diagnose", copy.Folder));
        Assert.Contains("1 problem found: 0 lab faults and 1 other problem.", _console.Output);
        Assert.Contains("Warning: api-service has 3 replicas; expected 2", _console.Output);

        Assert.Equal((int)ExitCodes.Success, await Invoke("diagnose", copy.Folder, "--grade"));
        Assert.Contains("Also 1 other problem, none of them a lab fault", _console.Output);
    }

    [Fact]
    public async Task Json_output_is_the_whole_report_and_nothing_else()
    {
        var code = await Invoke("diagnose", "k8s/day-4/broken-production", "--json");

        Assert.Equal((int)ExitCodes.ProblemsFound, code);
        using var json = JsonDocument.Parse(_console.Output);
        var root = json.RootElement;
        Assert.Equal("folder", root.GetProperty("mode").GetString());
        Assert.Equal(0, root.GetProperty("faultsFixed").GetInt32());
        var findings = root.GetProperty("findings").EnumerateArray().ToList();
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], findings.Select(f => f.GetProperty("fault").GetInt32()));
        var fault3 = findings[2];
        Assert.Equal("error", fault3.GetProperty("severity").GetString());
        Assert.Equal(FaultFolders.Value(3), fault3.GetProperty("value").GetString());
        Assert.Equal("http://database-service:8080", fault3.GetProperty("expected").GetString());
        Assert.Equal(FaultFolders.Catalog.Get(3).File, fault3.GetProperty("location").GetProperty("file").GetString());
        Assert.Equal(DatabaseUrlLine(), fault3.GetProperty("location").GetProperty("line").GetInt32());
        Assert.Equal("spec.template.spec.containers[0].env[DATABASE_URL].value", fault3.GetProperty("location").GetProperty("field").GetString());
        Assert.All(root.GetProperty("faults").EnumerateArray(), f => Assert.Equal("present", f.GetProperty("state").GetString()));
        Assert.Equal(8, DiagnosisJson.Deserialize(_console.Output)!.Findings.Count);
    }

    [Fact]
    public async Task Json_grade_of_the_solution_exits_Success_with_every_fault_fixed()
    {
        using var copy = LabCopy.Solution();

        var code = await Invoke("diagnose", copy.Folder, "--grade", "--json");

        Assert.Equal((int)ExitCodes.Success, code);
        using var json = JsonDocument.Parse(_console.Output);
        Assert.Equal(8, json.RootElement.GetProperty("faultsFixed").GetInt32());
        Assert.Empty(json.RootElement.GetProperty("findings").EnumerateArray());
    }

    [Theory]
    [InlineData("k8s/day-4/broken-prod", "the folder k8s/day-4/broken-prod does not exist")]
    [InlineData("docs", "the folder docs holds no manifests")]
    [InlineData("k8s/day-4/solution/01-namespace.yaml", "k8s/day-4/solution/01-namespace.yaml is a file, not a folder of manifests")]
    public async Task A_folder_that_cannot_be_diagnosed_is_named_and_exits_bad_manifests(string folder, string message)
    {
        var code = await Invoke("diagnose", folder);

        Assert.Equal((int)ExitCodes.BadManifests, code);
        Assert.Contains($"cannot diagnose {folder}: {message}", _console.Output);
    }

    [Fact]
    public async Task A_bad_folder_with_json_prints_a_json_error()
    {
        var code = await Invoke("diagnose", "nowhere", "--json");

        Assert.Equal((int)ExitCodes.BadManifests, code);
        using var json = JsonDocument.Parse(_console.Output);
        Assert.Equal("bad-manifests", json.RootElement.GetProperty("kind").GetString());
        Assert.Contains("nowhere", json.RootElement.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("give a FOLDER of manifests", "diagnose")]
    [InlineData("give either a FOLDER ('k8s') or --cluster, not both", "diagnose", "k8s", "--cluster")]
    [InlineData("give either a FOLDER ('k8s') or --kubeconfig (a cluster option), not both", "diagnose", "k8s", "--kubeconfig", "x")]
    [InlineData("--namespace 'Prod_1' is not a Kubernetes namespace name", "diagnose", "--cluster", "--namespace", "Prod_1")]
    [InlineData("--verify adds verify's checks to a grade: add --grade", "diagnose", "--cluster", "--verify")]
    [InlineData("--verify checks a running cluster, and FOLDER 'k8s/day-4/solution' is manifests", "diagnose", "k8s/day-4/solution", "--grade", "--verify")]
    [InlineData("--verify with -o json fills the verify field of an incident's report: add --seed N or --fault ID", "diagnose", "--cluster", "--grade", "--verify", "-o", "json")]
    public async Task A_wrong_command_line_is_explained_and_exits_usage_error(string message, params string[] args)
    {
        var code = await Invoke(args);

        Assert.Equal((int)ExitCodes.UsageError, code);
        Assert.Contains(message, _console.Output);
        Assert.Contains("cloudmart diagnose --help", _console.Output);
    }

    [Fact]
    public async Task The_broken_cluster_is_explained_with_its_evidence_and_exits_problems_found()
    {
        await using var api = await FakeKubernetesApi.StartAsync(FakeCluster.FromFolder(LabCopy.Repository.BrokenManifestsDir, retryImmediately: true));
        var kubeconfig = api.WriteKubeconfig(_folder.Path, context: "k3d-brokenprod", currentElsewhere: true);

        var code = await Invoke("diagnose", "--cluster", "--kubeconfig", kubeconfig, "--context", "k3d-brokenprod");

        Assert.Equal((int)ExitCodes.ProblemsFound, code);
        Assert.Contains($"Diagnosis of {api.Url} namespace production (cluster)", _console.Output);
        Assert.Contains("Evidence", _console.Output);
        Assert.Contains("FATAL: DB_NAME is not set", _console.Output);
        Assert.Contains("8 problems found: 8 lab faults (1, 2, 3, 4, 5, 6, 7, 8) and 0 other problems.", _console.Output);
    }

    [Fact]
    public async Task Grading_a_healthy_cluster_says_8_of_8_and_exits_Success()
    {
        await using var api = await FakeKubernetesApi.StartAsync(FakeCluster.FromFolder(LabCopy.Repository.SolutionManifestsDir, retryImmediately: false));
        var kubeconfig = api.WriteKubeconfig(_folder.Path, context: "fake", currentElsewhere: true);

        var code = await DiagnoseCommand.RunAsync(new DiagnoseSettings { Cluster = true, Kubeconfig = kubeconfig, Context = "fake", Grade = true }, _console, _environment, Timeout());

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("8 of 8 faults fixed", _console.Output);
    }

    /// <summary>Few orders and no pause, so each verify run takes a moment.</summary>
    static readonly OrderCheckOptions QuickOrders = new() { Count = 3, Interval = TimeSpan.Zero };

    /// <summary><c>verify --cluster --json</c> itself on the same kubeconfig: its verdict, and the checks that kept it from passing.</summary>
    async Task<(bool Passed, List<string> NotPassed)> VerifyItself(string kubeconfig)
    {
        using var console = new TestConsole();
        await VerifyCommand.RunAsync(new VerifySettings { Cluster = true, Kubeconfig = kubeconfig, Orders = QuickOrders, Json = true },
            new CliConsoles(console, console), new LabEnvironment { RepositoryRoot = LabCopy.Repository.Root }, Timeout());
        using var json = JsonDocument.Parse(console.Output);
        var notPassed = json.RootElement.GetProperty("checks").EnumerateArray()
            .Where(c => c.GetProperty("outcome").GetString() is "fail" or "not-run").Select(c => c.GetProperty("name").GetString()!).ToList();
        return (json.RootElement.GetProperty("passed").GetBoolean(), notPassed);
    }

    [Fact]
    public async Task Grading_with_verify_puts_the_verdict_of_verifys_own_checks_on_the_namespace_into_the_report()
    {
        var scenario = FakeCluster.FromFolder(LabCopy.Repository.SolutionManifestsDir, retryImmediately: false);
        // Every fault of the key is fixed, but the gateway pod answers each order with 500: verify fails on the orders.
        scenario.GatewayStatus = _ => 500;
        await using var cluster = await ClusterStandIn.StartAsync(scenario);
        var kubeconfig = cluster.WriteKubeconfig(_folder.Path);
        var (passed, notPassed) = await VerifyItself(kubeconfig);
        Assert.Equal(QuickOrders.Count, cluster.OrdersReceived);

        var code = await DiagnoseCommand.RunAsync(new DiagnoseSettings
        {
            Cluster = true, Kubeconfig = kubeconfig, Grade = true, Json = true, Incident = [4], Verify = true, VerifyOrders = QuickOrders,
        }, _console, _environment, Timeout());

        Assert.Equal(ExitCodes.ProblemsFound, code);
        var report = GradeReport.Parse(_console.Output);
        Assert.Equal(FaultState.Fixed, Assert.Single(report.Faults).State);
        Assert.NotNull(report.Verify);
        Assert.False(passed);
        Assert.Contains("orders", notPassed);
        Assert.Equal(passed, report.Verify.Passed);
        Assert.Equal(notPassed, report.Verify.Failed);
        // The grade's verify sent its own orders through the port-forward, as verify does.
        Assert.Equal(2 * QuickOrders.Count, cluster.OrdersReceived);
    }

    [Fact]
    public async Task Grading_a_healthy_cluster_with_verify_shows_the_grade_then_verifys_checks_and_exits_Success_only_when_both_pass()
    {
        var scenario = FakeCluster.FromFolder(LabCopy.Repository.SolutionManifestsDir, retryImmediately: false);
        await using var cluster = await ClusterStandIn.StartAsync(scenario);
        var kubeconfig = cluster.WriteKubeconfig(_folder.Path);
        var (passed, notPassed) = await VerifyItself(kubeconfig);

        var code = await DiagnoseCommand.RunAsync(new DiagnoseSettings { Cluster = true, Kubeconfig = kubeconfig, Grade = true, Verify = true, VerifyOrders = QuickOrders }, _console, _environment, Timeout());

        var output = _console.Output;
        Assert.True(passed, $"verify itself did not pass on the stand-in: {string.Join(", ", notPassed)}");
        Assert.Equal(ExitCodes.Success, code);
        var grade = output.IndexOf($"{LabFaults.Shipped.Count} of {LabFaults.Shipped.Count} faults fixed", StringComparison.Ordinal);
        var orders = output.IndexOf($"PASS  {QuickOrders.Count} of {QuickOrders.Count} orders succeed in under 2 s", StringComparison.Ordinal);
        Assert.True(grade >= 0 && orders > grade, output);
        Assert.Contains("checks passed", output[orders..], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_cluster_is_said_so_and_exits_cluster_unreachable()
    {
        await using var api = await FakeKubernetesApi.StartAsync(FakeCluster.FromFolder(LabCopy.Repository.SolutionManifestsDir, retryImmediately: false));
        var kubeconfig = api.WriteKubeconfig(_folder.Path, context: "fake", currentElsewhere: true);

        // The kubeconfig's current context points at a port nothing listens on.
        var code = await Invoke("diagnose", "--cluster", "--kubeconfig", kubeconfig);

        Assert.Equal((int)ExitCodes.ClusterUnreachable, code);
        Assert.Contains("cannot read the cluster: the API server http://127.0.0.1:9 does not answer", _console.Output);
    }

    /// <summary>Grades <paramref name="folder"/>, which must leave exactly one fault present, and returns the grade's line for it.</summary>
    async Task<string> TheOneFaultStillPresent(string folder)
    {
        var code = await Invoke("diagnose", folder, "--grade");

        Assert.Equal((int)ExitCodes.ProblemsFound, code);
        Assert.Contains("7 of 8 faults fixed", _console.Output);
        return _console.Output.Split('\n').Single(l => l.Contains("still present", StringComparison.Ordinal));
    }

    static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;

    /// <summary>The line of fault 3's value in the broken order-service manifest, read from the file so an edit above it moves the expectation too.</summary>
    static int DatabaseUrlLine() =>
        Array.FindIndex(File.ReadAllLines(Path.Combine(LabCopy.Repository.BrokenManifestsDir, FaultFolders.Catalog.Get(3).File!)), l => l.Trim() == $"value: {FaultFolders.Value(3)}") + 1;
}

/// <summary>docs/diagnose.md documents the verb's exit codes and the lab faults as the tool defines them.</summary>
public class DiagnoseDocumentationTests
{
    [Fact]
    public void The_grading_sample_names_every_fault_by_its_catalog_title()
    {
        var doc = File.ReadAllText(Path.Combine(LabCopy.Repository.Root, "docs", "diagnose.md"));

        Assert.All(LabFaults.Shipped, fault => Assert.Contains($"│ {fault.Number} │ {fault.Title} ", doc, StringComparison.Ordinal));
    }

    [Fact]
    public void The_documented_exit_codes_are_the_tools_own()
    {
        var doc = File.ReadAllText(Path.Combine(LabCopy.Repository.Root, "docs", "diagnose.md"));

        var documented = System.Text.RegularExpressions.Regex.Matches(doc, @"^\| (\d+) \| `(\w+)` \|", System.Text.RegularExpressions.RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[2].Value, m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

        foreach (var code in new[] { ExitCodes.Success, ExitCodes.Error, ExitCodes.UsageError, ExitCodes.ProblemsFound, ExitCodes.BadManifests, ExitCodes.ClusterUnreachable })
        {
            Assert.True(documented.TryGetValue(code.ToString(), out var value), $"docs/diagnose.md does not document {code}");
            Assert.Equal((int)code, value);
        }
    }
}
