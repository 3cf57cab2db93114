using System.Text.Json;
using CloudMart.Catalog;
using CloudMart.Cli.Commands;
using CloudMart.Cli.Tests.Support;

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
public sealed class VerifyOnTheHealthyLocalRunTests(HealthyLab lab) : IDisposable
{
    readonly CliRun _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Verify_passes_every_check_on_the_healthy_run_and_prints_each_with_its_evidence()
    {
        var code = await _cli.InvokeAsync(lab.Environment, "verify", "--orders", "5", "--interval", "0");

        Assert.True(code == (int)ExitCodes.Success, _cli.Output);
        Assert.Contains("✓ PASS  The local run's processes are up: all 6 processes running", _cli.Output);
        Assert.Contains("✓ PASS  Every component answers /health: all 6 components answered 200", _cli.Output);
        Assert.Contains("✓ PASS  5 of 5 orders succeed in under 2 s: 5 of 5 orders got HTTP 200", _cli.Output);
        Assert.Contains("✓ PASS  No error lines in the logs since the run started", _cli.Output);
        Assert.Matches("✓ PASS  One order's trace id is in every service's log: trace [0-9a-f]{32} is in the logs of all five services", _cli.Output);
        Assert.DoesNotContain("FAIL", _cli.Output);
        // Evidence: a line per component, with its pid, address and health answer.
        foreach (var component in ServiceCatalog.All)
        {
            Assert.Contains($"{component.Name}: pid {lab.Lab[component.Name].Pid} running, {lab.Lab[component.Name].Url.ToString().TrimEnd('/')}", _cli.Output);
            Assert.Contains($"{component.Name}: GET {lab.Lab[component.Name].Url}health → 200", _cli.Output);
        }
        Assert.Contains("All 5 checks passed: CloudMart is healthy.", _cli.Output);
    }

    [Fact]
    public async Task Verify_with_json_lists_every_check_as_passed()
    {
        var code = await _cli.InvokeAsync(lab.Environment, "verify", "--orders", "3", "--interval", "0", "--json");

        Assert.True(code == (int)ExitCodes.Success, _cli.Output);
        var json = _cli.Json();
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
public sealed class VerifyOnALocalRunWithChaosTests(ChaosLab lab) : IDisposable
{
    readonly CliRun _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Verify_fails_the_orders_and_logs_checks_and_exits_checks_failed_when_the_database_fails_every_store()
    {
        var code = await _cli.InvokeAsync(lab.Environment, "verify", "--orders", "3", "--interval", "0", "--json");

        Assert.Equal((int)ExitCodes.ChecksFailed, code);
        var json = _cli.Json();
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
        var code = await _cli.InvokeAsync(lab.Environment, "verify", "--orders", "2", "--interval", "0");

        Assert.Equal((int)ExitCodes.ChecksFailed, code);
        Assert.Contains("✗ FAIL  2 of 2 orders succeed in under 2 s", _cli.Output);
        Assert.Matches(@"item-1: 5\d\d after", _cli.Output);
        Assert.Contains("✗ FAIL  No error lines in the logs since the run started", _cli.Output);
        Assert.Contains("checks failed", _cli.Output);
        Assert.Contains("orders, logs", _cli.Output);
    }
}

[Collection(WrongDatabaseUrlLabCollection.Name)]
public sealed class VerifyOnALocalRunWithAWrongDatabaseUrlTests(WrongDatabaseUrlLab lab) : IDisposable
{
    readonly CliRun _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Verify_fails_the_orders_and_logs_checks_and_the_order_services_error_names_the_url()
    {
        var code = await _cli.InvokeAsync(lab.Environment, "verify", "--orders", "2", "--interval", "0", "--json");

        Assert.Equal((int)ExitCodes.ChecksFailed, code);
        var json = _cli.Json();
        var outcomes = VerifyJson.Outcomes(json);
        Assert.Equal("fail", outcomes["orders"]);
        Assert.Equal("fail", outcomes["logs"]);
        Assert.Contains("http://database:8080", VerifyJson.Evidence(VerifyJson.Check(json, "logs")));
    }
}

public sealed class VerifyWithoutALocalRunTests : IDisposable
{
    readonly CliRun _cli = new();
    readonly TempFolder _folder = new();

    public void Dispose()
    {
        _cli.Dispose();
        _folder.Dispose();
    }

    VerifyEnvironment Nowhere => new() { RepositoryRoot = TestMachine.RepositoryRoot, StateDirectory = _folder.Path };

    [Fact]
    public async Task Verify_without_a_local_run_says_how_to_start_one_and_exits_target_unreachable()
    {
        var code = await _cli.InvokeAsync(Nowhere, "verify", "--orders", "1", "--interval", "0");

        Assert.Equal((int)ExitCodes.TargetUnreachable, code);
        Assert.Contains("✗ FAIL  The local run's processes are up: no local run", _cli.Output);
        Assert.Contains("./cloudmart up", _cli.Output);
        Assert.Contains("· SKIP", _cli.Output);
        Assert.Contains("Nothing to verify", _cli.Output);
    }

    [Fact]
    public async Task Verify_after_the_up_that_wrote_run_json_died_reports_no_local_run()
    {
        // A run.json whose owner (pid and start time) no longer runs: an up that was killed.
        new CloudMart.Lab.RunRecord(int.MaxValue - 7, 1, DateTimeOffset.Now.AddMinutes(-5),
            [new CloudMart.Lab.RunRecordComponent("gateway", "http://127.0.0.1:1", int.MaxValue - 7, 1, Path.Combine(_folder.Path, "gateway.log"))])
            .Write(Path.Combine(new CloudMart.Lab.LabRuns(_folder.Path).Folder(CloudMart.Lab.LabRuns.DefaultName), "run.json"));

        var code = await _cli.InvokeAsync(Nowhere, "verify", "--json");

        Assert.Equal((int)ExitCodes.TargetUnreachable, code);
        var json = _cli.Json();
        Assert.Equal("fail", VerifyJson.Outcomes(json)["processes"]);
        Assert.Contains("has stopped", VerifyJson.Check(json, "processes").GetProperty("summary").GetString());
        Assert.Equal("not-run", VerifyJson.Outcomes(json)["orders"]);
    }

    [Fact]
    public async Task A_log_window_under_a_second_is_refused_and_shown_in_milliseconds()
    {
        var code = await _cli.InvokeAsync(Nowhere, "verify", "--since", "0.5s");

        Assert.Equal((int)ExitCodes.UsageError, code);
        Assert.Contains("error:", _cli.Output);
        Assert.Contains("--since", _cli.Output);
        Assert.Contains("500ms", _cli.Output);
        Assert.Contains("cloudmart verify --help", _cli.Output);
        Assert.DoesNotContain("Verifying", _cli.Output);
    }
}
