using System.Text.Json;

namespace CloudMart.Cli.Tests.Commands;

static class VerifyJson
{
    /// <summary>Each check's outcome by name, from verify --json.</summary>
    public static Dictionary<string, string> Outcomes(JsonElement json) =>
        json.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("outcome").GetString()!);

    public static JsonElement Check(JsonElement json, string name) =>
        json.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    public static string Evidence(JsonElement check) =>
        string.Join('\n', check.GetProperty("evidence").EnumerateArray().Select(e => e.GetString()));
}

[Collection(HealthyLabCollection.Name)]
public sealed class VerifyOnTheHealthyLocalRunTests(HealthyLab lab) : LocalLabCliTest(lab)
{
    [Fact]
    public async Task Verify_passes_every_check_on_the_healthy_run_and_prints_each_with_its_evidence()
    {
        await Verify(ExitCodes.Success, "--orders", "5", "--interval", "0");

        Assert.Contains("✓ PASS  The local run's processes are up: all 6 processes running", Cli.Output);
        Assert.Contains("✓ PASS  Every component answers /health: all 6 components answered 200", Cli.Output);
        Assert.Contains("✓ PASS  5 of 5 orders succeed in under 2 s: 5 of 5 orders got HTTP 200", Cli.Output);
        Assert.Contains("✓ PASS  No error lines in the logs since the run started", Cli.Output);
        Assert.Matches("✓ PASS  One order's trace id is in every service's log: trace [0-9a-f]{32} is in the logs of all five services", Cli.Output);
        Assert.DoesNotContain("FAIL", Cli.Output);
        // Evidence: a line per component, with its pid, address and health answer.
        foreach (var component in ServiceCatalog.All)
        {
            Assert.Contains($"{component.Name}: pid {Run.Lab[component.Name].Pid} running, {Run.Lab[component.Name].Url.ToString().TrimEnd('/')}", Cli.Output);
            Assert.Contains($"{component.Name}: GET {Run.Lab[component.Name].Url}health → 200", Cli.Output);
        }
        Assert.Contains("All 5 checks passed: CloudMart is healthy.", Cli.Output);
    }

    [Fact]
    public async Task Verify_with_json_lists_every_check_as_passed()
    {
        var json = await VerifyJsonAsync(ExitCodes.Success, "--orders", "3", "--interval", "0");

        Assert.True(json.GetProperty("passed").GetBoolean());
        Assert.Equal(new Dictionary<string, string>
        {
            ["processes"] = "pass", ["health"] = "pass", ["orders"] = "pass", ["logs"] = "pass", ["trace-logs"] = "pass",
        }, VerifyJson.Outcomes(json));
        var traces = VerifyJson.Evidence(VerifyJson.Check(json, "trace-logs"));
        foreach (var service in ServiceCatalog.Services)
        {
            Assert.Matches($"{service.Name}: [1-9][0-9]* lines? with trace_id [0-9a-f]{{32}}", traces);
        }
    }
}

[Collection(ChaosLabCollection.Name)]
public sealed class VerifyOnALocalRunWithChaosTests(ChaosLab lab) : LocalLabCliTest(lab)
{
    [Fact]
    public async Task Verify_fails_the_orders_and_logs_checks_and_exits_checks_failed_when_the_database_fails_every_store()
    {
        var json = await VerifyJsonAsync(ExitCodes.ChecksFailed, "--orders", "3", "--interval", "0");

        Assert.False(json.GetProperty("passed").GetBoolean());
        var outcomes = VerifyJson.Outcomes(json);
        Assert.Equal("pass", outcomes["processes"]);
        Assert.Equal("pass", outcomes["health"]);
        Assert.Equal("fail", outcomes["orders"]);
        Assert.Equal("fail", outcomes["logs"]);
        Assert.Equal("fail", outcomes["trace-logs"]);

        var orders = VerifyJson.Check(json, "orders");
        Assert.Contains("3 of 3 orders did not get HTTP 200", orders.GetProperty("summary").GetString());
        var logs = VerifyJson.Check(json, "logs");
        Assert.Contains("database-service", logs.GetProperty("summary").GetString());
        Assert.Contains("error: ", VerifyJson.Evidence(logs));
        // The order never reached the notification-service, so its trace is incomplete.
        Assert.Contains("notification-service", VerifyJson.Check(json, "trace-logs").GetProperty("summary").GetString());
    }

    [Fact]
    public async Task Verify_prints_the_failed_checks_with_the_failed_orders_and_error_lines_as_evidence()
    {
        await Verify(ExitCodes.ChecksFailed, "--orders", "2", "--interval", "0");

        Assert.Contains("✗ FAIL  2 of 2 orders succeed in under 2 s", Cli.Output);
        Assert.Matches(@"item-1: 5\d\d after", Cli.Output);
        Assert.Contains("✗ FAIL  No error lines in the logs since the run started", Cli.Output);
        Assert.Contains("checks failed", Cli.Output);
        Assert.Contains("orders, logs", Cli.Output);
    }
}

[Collection(WrongDatabaseUrlLabCollection.Name)]
public sealed class VerifyOnALocalRunWithAWrongDatabaseUrlTests(WrongDatabaseUrlLab lab) : LocalLabCliTest(lab)
{
    [Fact]
    public async Task Verify_fails_the_orders_and_logs_checks_and_the_order_services_error_names_the_url()
    {
        var json = await VerifyJsonAsync(ExitCodes.ChecksFailed, "--orders", "2", "--interval", "0");

        var outcomes = VerifyJson.Outcomes(json);
        Assert.Equal("fail", outcomes["orders"]);
        Assert.Equal("fail", outcomes["logs"]);
        Assert.Contains(FaultValues.Of(3), VerifyJson.Evidence(VerifyJson.Check(json, "logs")));
    }
}

public sealed class VerifyWithoutALocalRunTests : CliRunTest
{
    [Fact]
    public async Task Verify_without_a_local_run_says_how_to_start_one_and_exits_target_unreachable()
    {
        await RunAsync(NoRun, ExitCodes.TargetUnreachable, "verify", "--orders", "1", "--interval", "0");

        Assert.Contains("✗ FAIL  The local run's processes are up: no local run", Cli.Output);
        Assert.Contains("./cloudmart up", Cli.Output);
        Assert.Contains("· SKIP", Cli.Output);
        Assert.Contains("Nothing to verify", Cli.Output);
    }

    [Fact]
    public async Task Verify_after_the_up_that_wrote_run_json_died_reports_no_local_run()
    {
        // A run.json whose owner (pid and start time) no longer runs: an up that was killed.
        new CloudMart.Lab.RunRecord(int.MaxValue - 7, 1, DateTimeOffset.Now.AddMinutes(-5),
            [new CloudMart.Lab.RunRecordComponent("gateway", "http://127.0.0.1:1", int.MaxValue - 7, 1, Path.Combine(ScratchFolder, "gateway.log"))])
            .Write(Path.Combine(new CloudMart.Lab.LabRuns(ScratchFolder).Folder(CloudMart.Lab.LabRuns.DefaultName), "run.json"));

        await RunAsync(NoRun, ExitCodes.TargetUnreachable, "verify", "--json");

        var json = Cli.Json();
        Assert.Equal("fail", VerifyJson.Outcomes(json)["processes"]);
        Assert.Contains("has stopped", VerifyJson.Check(json, "processes").GetProperty("summary").GetString());
        Assert.Equal("not-run", VerifyJson.Outcomes(json)["orders"]);
    }

    [Fact]
    public async Task A_log_window_under_a_second_is_refused_and_shown_in_milliseconds()
    {
        await RunAsync(NoRun, ExitCodes.UsageError, "verify", "--since", "0.5s");

        Assert.Contains("error:", Cli.Output);
        Assert.Contains("--since", Cli.Output);
        Assert.Contains("500ms", Cli.Output);
        Assert.Contains("cloudmart verify --help", Cli.Output);
        Assert.DoesNotContain("Verifying", Cli.Output);
    }
}
