namespace CloudMart.Cli.Tests.Cli;

/// <summary>
/// <c>./cloudmart test</c> (tests/run.sh) as a process, where it can fail before any test runs:
/// its command line, the one message a user who is not root gets when something is missing, and
/// the totals line (tests/totals.sh) over results files made here.
/// </summary>
public sealed class TestCommandTests : IDisposable
{
    static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    static string Script => Path.Combine(TestMachine.RepositoryRoot, "cloudmart");

    static string Totals => Path.Combine(TestMachine.RepositoryRoot, "tests", "totals.sh");

    readonly TempFolder _scratch = new();

    public void Dispose() => _scratch.Dispose();

    static ProgramResult Run(IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        ProgramRun.Run("/bin/bash", [Script, "test", .. arguments], Limit, environment);

    [Theory]
    [InlineData("--project Nope", "'Nope'")]
    [InlineData("--bogus", "'--bogus'")]
    [InlineData("--project", "--project needs a value")]
    [InlineData("--filter", "--filter needs a value")]
    [InlineData("--project=Cli", "'--project Cli'")]
    [InlineData("--no-images --project Images", "--no-images")]
    [InlineData("--no-cluster --project CloudMart.Cluster.Tests", "'CloudMart.Cluster.Tests'")]
    [InlineData("--no-images --project Cluster", "the images --no-images skips")]
    public void A_bad_command_line_is_one_line_naming_the_value_exit_2_and_runs_nothing(string arguments, string named)
    {
        var result = Run(null, arguments.Split(' '));

        Assert.True(result.ExitCode == 2, result.Output);
        Assert.Equal("", result.StandardOutput);
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(named, line);
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("up --now")]
    [InlineData("")]
    public void The_cluster_verb_takes_one_of_its_actions_else_exits_2_naming_what_it_got(string arguments)
    {
        var result = ProgramRun.Run("/bin/bash", [Script, "cluster", .. arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)], Limit);

        Assert.True(result.ExitCode == 2, result.Output);
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"got '{arguments}'", line);
        Assert.Contains("up, down, status", line);
    }

    /// <summary>
    /// A machine stopped with the cluster up keeps the harness's pid files, and its next boot hands
    /// those pids to other programs: only a pid still running the program the harness launched
    /// counts as a running component (and only that one would <c>down</c> stop).
    /// </summary>
    [Fact]
    public void The_cluster_harness_takes_a_reused_pid_for_a_stopped_component()
    {
        var other = System.Diagnostics.Process.Start("sleep", "60");
        try
        {
            var pids = Directory.CreateDirectory(Path.Combine(_scratch.Path, "pids")).FullName;
            var pid = other.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            File.WriteAllText(Path.Combine(pids, "dnsmasq.pid"), pid);
            File.WriteAllText(Path.Combine(pids, "dnsmasq.program"), "dnsmasq\n");
            File.WriteAllText(Path.Combine(pids, "etcd.pid"), pid);
            File.WriteAllText(Path.Combine(pids, "kubelet.pid"), pid);
            File.WriteAllText(Path.Combine(pids, "kubelet.program"), "sleep\n");

            var result = ProgramRun.Run("/bin/bash", [Path.Combine(TestMachine.RepositoryRoot, "tests", "cluster", "cluster.sh"), "status"], Limit,
                new Dictionary<string, string> { ["CLOUDMART_CLUSTER_STATE"] = _scratch.Path });

            Assert.True(result.ExitCode == 0, result.Output);
            var lines = result.StandardOutput.Split('\n');
            Assert.Matches(@"^dnsmasq\s+stopped$", Assert.Single(lines, l => l.StartsWith("dnsmasq ", StringComparison.Ordinal)));
            Assert.Matches(@"^etcd\s+stopped$", Assert.Single(lines, l => l.StartsWith("etcd ", StringComparison.Ordinal)));
            Assert.Matches($@"^kubelet\s+running \(pid {pid}\)$", Assert.Single(lines, l => l.StartsWith("kubelet ", StringComparison.Ordinal)));
            Assert.False(other.HasExited);
        }
        finally
        {
            ProcessEnd.KillAndDispose(other);
        }
    }

    [Fact]
    public void An_unknown_project_lists_the_real_ones()
    {
        var result = Run(null, "--project", "Nope");

        Assert.Contains("CloudMart.Cli.Tests", result.StandardError);
        Assert.Contains("CloudMart.Images.Tests", result.StandardError);
    }

    [Fact]
    public void Help_documents_every_option_and_exit_code()
    {
        var result = Run(null, "--help");

        Assert.True(result.ExitCode == 0, result.Output);
        foreach (var option in new[] { "--project NAME", "--no-images", "--no-cluster", "--filter EXPR", "N passed, N failed" })
        {
            Assert.Contains(option, result.StandardOutput);
        }
        foreach (var code in new[] { "0  every test passed", "2  a bad command line", "3  something the tests need is missing" })
        {
            Assert.Contains(code, result.StandardOutput);
        }
    }

    /// <summary>
    /// The test command not as root (dropped to nobody when the test runs as root), with a PATH of
    /// only <paramref name="tools"/> (links to the real ones).
    /// </summary>
    ProgramResult RunNotRoot(string[] tools, params string[] arguments)
    {
        var bin = Directory.CreateDirectory(Path.Combine(_scratch.Path, "bin")).FullName;
        foreach (var tool in tools)
        {
            File.CreateSymbolicLink(Path.Combine(bin, tool), ProgramRun.Which(tool) ?? throw new InvalidOperationException($"no {tool} on PATH"));
        }
        var everyone = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
            UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(_scratch.Path, everyone);
        File.SetUnixFileMode(bin, everyone);
        var environment = new Dictionary<string, string> { ["PATH"] = bin, ["HOME"] = _scratch.Path };
        string[] command = [Script, "test", .. arguments];
        return Environment.IsPrivilegedProcess
            ? ProgramRun.Run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "/bin/bash", .. command], Limit, environment)
            : ProgramRun.Run("/bin/bash", command, Limit, environment);
    }

    /// <summary>Bash and the two programs the cloudmart script calls first, and nothing else: no dotnet, no apt tools.</summary>
    [Fact]
    public void Not_root_with_tools_missing_says_what_to_install_in_one_message_and_exits_3()
    {
        var result = RunNotRoot(["bash", "dirname", "date"]);

        Assert.True(result.ExitCode == 3, result.Output);
        Assert.Equal("", result.StandardOutput);
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("cloudmart test: not root", lines[0]);
        Assert.Contains(lines, l => l.Contains(".NET 10 SDK"));
        var install = Assert.Single(lines, l => l.Contains("apt-get install"));
        // What the tests run from PATH; nginx and chromium are also found at Debian's fixed paths.
        foreach (var package in new[] { "shellcheck", "npm", "prometheus", "wrk", "docker.io", "debootstrap" })
        {
            Assert.Contains($" {package}", install);
        }
        Assert.Contains(lines, l => l.Contains("--no-images"));
        Assert.All(lines.Skip(1), l => Assert.StartsWith("  - ", l));
    }

    /// <summary>With dotnet there, and one project chosen: only what that project needs (and the lint).</summary>
    [Fact]
    public void Not_root_with_only_what_the_chosen_project_needs_missing_names_only_that()
    {
        var result = RunNotRoot(["bash", "dirname", "date", "dotnet"], "--project", "Benchmark");

        Assert.True(result.ExitCode == 3, result.Output);
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var item = Assert.Single(lines.Skip(1));
        Assert.EndsWith("apt-get install -y --no-install-recommends shellcheck wrk", item);
    }

    /// <summary>The cluster tests run the lab's images in their pods, so choosing them alone still asks for the images.</summary>
    [Fact]
    public void Not_root_the_cluster_tests_alone_ask_for_the_images_and_the_cluster()
    {
        var result = RunNotRoot(["bash", "dirname", "date", "dotnet"], "--project", "Cluster");

        Assert.True(result.ExitCode == 3, result.Output);
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.Contains("the image stand-ins"));
        Assert.Contains(lines, l => l.Contains("the test cluster"));
        Assert.Contains(lines, l => l.Contains(" debootstrap"));
    }

    static string Trx(int passed, int failed, int notExecuted = 0) =>
        $"""
        <?xml version="1.0" encoding="utf-8"?>
        <TestRun id="00000000-0000-0000-0000-000000000000" name="run" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
          <ResultSummary outcome="{(failed > 0 ? "Failed" : "Completed")}">
            <Counters total="{passed + failed + notExecuted}" executed="{passed + failed}" passed="{passed}" failed="{failed}" error="0" timeout="0" aborted="0" inconclusive="0" passedButRunAborted="0" notRunnable="0" notExecuted="{notExecuted}" disconnected="0" warning="0" completed="0" inProgress="0" pending="0" />
          </ResultSummary>
        </TestRun>
        """;

    ProgramResult RunTotals(int dotnetStatus, params string[] projects) =>
        ProgramRun.Run("/bin/bash", [Totals, _scratch.Path, dotnetStatus.ToString(System.Globalization.CultureInfo.InvariantCulture), .. projects], Limit);

    [Fact]
    public void Totals_add_every_projects_results_and_exit_0_when_all_passed()
    {
        _scratch.File("A.Tests.trx", Trx(passed: 12, failed: 0));
        _scratch.File("B.Tests.trx", Trx(passed: 30, failed: 0));

        var result = RunTotals(0, "A.Tests", "B.Tests");

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal("42 passed, 0 failed\n", result.StandardOutput);
    }

    [Fact]
    public void A_project_without_results_counts_as_a_failure_and_names_itself()
    {
        _scratch.File("A.Tests.trx", Trx(passed: 5, failed: 2, notExecuted: 1));

        var result = RunTotals(1, "A.Tests", "Crashed.Tests");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("5 passed, 3 failed, 1 skipped\n", result.StandardOutput);
        Assert.Contains("Crashed.Tests left no results", result.StandardError);
    }

    [Fact]
    public void A_failed_dotnet_test_with_no_failed_test_is_a_failure_not_a_pass()
    {
        _scratch.File("A.Tests.trx", Trx(passed: 5, failed: 0));

        var result = RunTotals(1, "A.Tests");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("5 passed, 1 failed\n", result.StandardOutput);
    }

    [Fact]
    public void Nothing_passed_is_not_a_success()
    {
        _scratch.File("A.Tests.trx", Trx(passed: 0, failed: 0, notExecuted: 3));

        var result = RunTotals(0, "A.Tests");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("0 passed, 0 failed, 3 skipped\n", result.StandardOutput);
    }
}
