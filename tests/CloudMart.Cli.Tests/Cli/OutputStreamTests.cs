using System.Text.Json;
using CloudMart.Cli.Tests.Commands;

namespace CloudMart.Cli.Tests.Cli;

/// <summary>
/// The real tool as a process, stdout and stderr apart: the result (a report, a table, a JSON
/// document) on stdout, what the tool is doing and what went wrong on stderr, so a pipe or a
/// script reading stdout gets the result alone.
/// </summary>
public sealed class OutputStreamTests() : CliProcessTest(TimeSpan.FromSeconds(120))
{
    static string Closed() => $"http://127.0.0.1:{Gateways.ClosedPort()}";

    /// <summary>The run ended as expected, with its progress on stderr alone and its report on stdout alone.</summary>
    static void AssertApart(CliResult result, ExitCodes expected, string progress, string report)
    {
        Assert.True(result.ExitCode == (int)expected, result.ToString());
        Assert.Contains(progress, result.Stderr);
        Assert.DoesNotContain(progress, result.Stdout);
        Assert.Contains(report, result.Stdout);
        Assert.DoesNotContain(report, result.Stderr);
    }

    /// <summary>The run ended as expected with a JSON document on stdout and nothing on stderr; the document.</summary>
    static JsonElement OnlyJson(CliResult result, ExitCodes expected)
    {
        Assert.True(result.ExitCode == (int)expected, result.ToString());
        Assert.Equal("", result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        return json.RootElement.Clone();
    }

    [Fact]
    public async Task Load_prints_its_progress_on_stderr_and_the_report_on_stdout()
    {
        var result = await Run("load", "--url", Closed(), "--orders", "2", "--interval", "0", "--timeout", "2s");

        AssertApart(result, ExitCodes.CriteriaMissed, progress: "Sending", report: "Sent 2 orders");
        Assert.Contains("Sending 2 orders", result.Stderr);
        Assert.Contains("FAIL", result.Stdout);
    }

    [Fact]
    public async Task Load_with_o_json_prints_only_the_document_on_stdout()
    {
        var result = await Run("load", "--url", Closed(), "--orders", "2", "--interval", "0", "--timeout", "2s", "-o", "json");

        var json = OnlyJson(result, ExitCodes.CriteriaMissed);
        Assert.Equal(2, json.GetProperty("sent").GetInt32());
    }

    [Fact]
    public async Task Verify_with_nothing_up_says_what_it_checks_on_stderr_and_the_checks_on_stdout()
    {
        var result = await Run("verify", "--orders", "1", "--interval", "0");

        AssertApart(result, ExitCodes.TargetUnreachable, progress: "Verifying ", report: "FAIL");
        Assert.StartsWith("Verifying ", result.Stderr);
        Assert.Contains("Nothing to verify", result.Stdout);
    }

    [Fact]
    public async Task Verify_with_o_json_prints_only_the_document_on_stdout()
    {
        var result = await Run("verify", "--orders", "1", "--interval", "0", "-o", "json");

        var json = OnlyJson(result, ExitCodes.TargetUnreachable);
        Assert.False(json.GetProperty("passed").GetBoolean());
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

        var json = OnlyJson(result, ExitCodes.ProblemsFound);
        Assert.True(json.GetProperty("findings").GetArrayLength() >= 8);
    }
}
