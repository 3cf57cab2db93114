using System.Globalization;
using System.Text.Json;

namespace CloudMart.Cli.Tests.Cli;

/// <summary>
/// A run's whole life through the real tool, as a user drives it from several terminals:
/// <c>up -d</c>, <c>status</c>, <c>load</c> finding the run by itself, <c>logs</c>, <c>trace</c>,
/// a refused second <c>up</c>, <c>down</c>.
/// </summary>
public sealed class LifecycleTests() : CliProcessTest(TimeSpan.FromMinutes(4), new Dictionary<string, string> { ["CLOUDMART_NGINX"] = TestMachine.NginxPath })
{

    [Fact]
    public async Task A_detached_run_is_found_by_every_verb_from_its_record_and_stopped_by_down()
    {
        var ports = TestMachine.FreePorts();
        var offset = ports.Offset.ToString(CultureInfo.InvariantCulture);
        var name = LabRuns.NameFor(ports);
        try
        {
            var up = await Run("up", "-d", "--port-offset", offset, "--startup-timeout", "120");
            Assert.True(up.ExitCode == 0, up.ToString());
            Assert.Contains("is ready", up.Stdout + up.Stderr);

            var again = await Run("up", "-d", "--port-offset", offset);
            Assert.True(again.ExitCode == (int)ExitCodes.AlreadyRunning, again.ToString());

            var status = await Run("status", "-o", "json", "--timeout", "20s");
            Assert.True(status.ExitCode == 0, status.ToString());
            using (var rows = JsonDocument.Parse(status.Stdout))
            {
                var components = rows.RootElement.EnumerateArray().ToList();
                Assert.Equal(ServiceCatalog.All.Select(s => s.Name).Order(), components.Select(c => c.GetProperty("component").GetString()).Order());
                Assert.All(components, c => Assert.Equal("healthy", c.GetProperty("health").GetString()));
                Assert.All(components, c => Assert.Equal(name, c.GetProperty("run").GetString()));
            }

            // No --url: load finds the gateway of the run that is up, not localhost:8080.
            var load = await Run("load", "--orders", "3", "--interval", "0", "-o", "json");
            Assert.True(load.ExitCode == 0, load.ToString());
            string traceId;
            using (var report = JsonDocument.Parse(load.Stdout))
            {
                Assert.Contains($":{ports.For(ServiceCatalog.Gateway)}", report.RootElement.GetProperty("url").GetString());
                traceId = report.RootElement.GetProperty("slowestTraceId").GetString()!;
            }

            var logs = await Run("logs", "order-service");
            Assert.True(logs.ExitCode == 0, logs.ToString());
            Assert.Contains("order-service", logs.Stdout);
            Assert.DoesNotContain("api-service ", logs.Stdout);
            Assert.DoesNotContain("{\"timestamp\"", logs.Stdout);

            var trace = await Run("trace", traceId);
            Assert.True(trace.ExitCode == 0, trace.ToString());
            var lines = trace.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.All(lines, l => Assert.Contains(traceId, l));
            Assert.Contains(lines, l => l.Contains(" gateway ", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains(" order-service ", StringComparison.Ordinal));

            var before = await Run("status", "-o", "json", "--timeout", "20s");
            var restart = await Run("restart", "order-service");
            Assert.True(restart.ExitCode == 0, restart.ToString());
            var afterRestart = await Run("status", "-o", "json", "--timeout", "20s");
            Assert.True(afterRestart.ExitCode == 0, afterRestart.ToString());
            Assert.NotEqual(Pid(before.Stdout, "order-service"), Pid(afterRestart.Stdout, "order-service"));
            Assert.Equal(Pid(before.Stdout, "api-service"), Pid(afterRestart.Stdout, "api-service"));
            Assert.Contains("healthy", afterRestart.Stdout);
            // Its log goes on across the restart: the earlier orders are still in it.
            Assert.Contains(traceId, (await Run("logs", "order-service")).Stdout);

            var rawTrace = await Run("trace", traceId, "--json");
            Assert.All(rawTrace.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.StartsWith("{", l));
        }
        finally
        {
            var down = await Run("down");
            Assert.True(down.ExitCode == 0, down.ToString());
        }
        var after = await Run("status");
        Assert.Equal((int)ExitCodes.NotRunning, after.ExitCode);
        Assert.True(PortCheck.IsFree(ports.For(ServiceCatalog.Gateway)));
    }

    static int Pid(string statusJson, string component)
    {
        using var rows = JsonDocument.Parse(statusJson);
        return rows.RootElement.EnumerateArray().First(r => r.GetProperty("component").GetString() == component).GetProperty("pid").GetInt32();
    }
}
