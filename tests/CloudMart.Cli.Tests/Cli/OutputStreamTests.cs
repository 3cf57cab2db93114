using System.Text.Json;
using CloudMart.Cli.Commands;
using CloudMart.Cli.Tests.Commands;
using CloudMart.Cli.Tests.Support;

namespace CloudMart.Cli.Tests.Cli;

/// <summary>
/// The real tool as a process, stdout and stderr apart: the result (a report, a table, a JSON
/// document) on stdout, what the tool is doing and what went wrong on stderr, so a pipe or a
/// script reading stdout gets the result alone.
/// </summary>
public sealed class OutputStreamTests() : CliProcessTest(TimeSpan.FromSeconds(120))
{

    static string Closed() => $"http://127.0.0.1:{Gateways.ClosedPort()}";

    [Fact]
    public async Task Load_prints_its_progress_on_stderr_and_the_report_on_stdout()
    {
        var result = await Run("load", "--url", Closed(), "--orders", "2", "--interval", "0", "--timeout", "2s");

        Assert.True(result.ExitCode == (int)ExitCodes.CriteriaMissed, result.ToString());
        Assert.Contains("Sending 2 orders", result.Stderr);
        Assert.DoesNotContain("Sending", result.Stdout);
        Assert.Contains("Sent 2 orders", result.Stdout);
        Assert.Contains("FAIL", result.Stdout);
        Assert.DoesNotContain("Sent 2 orders", result.Stderr);
    }

    [Fact]
    public async Task Load_with_o_json_prints_only_the_document_on_stdout()
    {
        var result = await Run("load", "--url", Closed(), "--orders", "2", "--interval", "0", "--timeout", "2s", "-o", "json");

        Assert.True(result.ExitCode == (int)ExitCodes.CriteriaMissed, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.Equal(2, json.RootElement.GetProperty("sent").GetInt32());
        Assert.Equal("", result.Stderr);
    }

    [Fact]
    public async Task Verify_with_nothing_up_says_what_it_checks_on_stderr_and_the_checks_on_stdout()
    {
        var result = await Run("verify", "--orders", "1", "--interval", "0");

        Assert.True(result.ExitCode == (int)ExitCodes.TargetUnreachable, result.ToString());
        Assert.StartsWith("Verifying ", result.Stderr);
        Assert.DoesNotContain("Verifying ", result.Stdout);
        Assert.Contains("FAIL", result.Stdout);
        Assert.Contains("Nothing to verify", result.Stdout);
        Assert.DoesNotContain("FAIL", result.Stderr);
    }

    [Fact]
    public async Task Verify_with_o_json_prints_only_the_document_on_stdout()
    {
        var result = await Run("verify", "--orders", "1", "--interval", "0", "-o", "json");

        Assert.True(result.ExitCode == (int)ExitCodes.TargetUnreachable, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.False(json.RootElement.GetProperty("passed").GetBoolean());
        Assert.Equal("", result.Stderr);
    }

    [Fact]
    public async Task Verify_of_a_cluster_it_cannot_reach_says_so_on_stderr_and_nothing_on_stdout()
    {
        var result = await Run("verify", "--kubeconfig", State.File("empty-kubeconfig", "apiVersion: v1\nkind: Config\n"));

        Assert.True(result.ExitCode == (int)ExitCodes.TargetUnreachable, result.ToString());
        Assert.Equal("", result.Stdout);
        Assert.Contains("Cannot verify the cluster", result.Stderr);
    }

    [Fact]
    public async Task Diagnose_of_a_folder_that_is_not_there_says_so_on_stderr_and_nothing_on_stdout()
    {
        var result = await Run("diagnose", Path.Combine(State.Path, "nowhere"));

        Assert.True(result.ExitCode == (int)ExitCodes.BadManifests, result.ToString());
        Assert.Equal("", result.Stdout);
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("error: cannot diagnose", line);
    }

    [Fact]
    public async Task Diagnose_with_o_json_prints_only_the_document_on_stdout()
    {
        var result = await Run("diagnose", Path.Combine(TestMachine.RepositoryRoot, "k8s", "day-4", "broken-production"), "-o", "json");

        Assert.True(result.ExitCode == (int)ExitCodes.ProblemsFound, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.True(json.RootElement.GetProperty("findings").GetArrayLength() >= 8);
        Assert.Equal("", result.Stderr);
    }
}
