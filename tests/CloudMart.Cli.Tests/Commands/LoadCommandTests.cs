using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using CloudMart.Testing;

namespace CloudMart.Cli.Tests.Commands;

static class Gateways
{
    /// <summary>A local port with nothing listening on it.</summary>
    public static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[Collection(HealthyLabCollection.Name)]
public sealed class LoadOnTheHealthyLocalRunTests(HealthyLab lab) : LocalLabCliTest(lab)
{
    [Fact]
    public async Task Load_on_the_healthy_run_passes_and_shows_status_codes_percentiles_and_the_slowest_trace_id()
    {
        await Load(ExitCodes.Success, "--orders", "5", "--interval", "0");

        Assert.Contains($"Sending 5 orders to {Gateway}/api/orders", Cli.Output);
        Assert.Matches(@"│ 200\s+│\s+5 │ 100\.0 % │", Cli.Output);
        foreach (var column in new[] { "p50", "p90", "p95", "p99", "max" })
        {
            Assert.Contains(column, Cli.Output);
        }
        Assert.Contains("Success rate: 100.0 % (5 of 5 HTTP 200)", Cli.Output);
        Assert.Matches("Slowest order: item-[1-5], 200 in [0-9.]+ ms, trace id [0-9a-f]{32}", Cli.Output);
        Assert.Contains("PASS 5 of 5 orders got HTTP 200, all under 2 s", Cli.Output);
    }

    [Fact]
    public async Task Load_with_json_prints_only_a_document_with_the_counts_latencies_and_trace_ids()
    {
        var json = await LoadJsonAsync(ExitCodes.Success, "--orders", "4", "--interval", "0");

        Assert.True(json.GetProperty("passed").GetBoolean());
        Assert.Equal(4, json.GetProperty("sent").GetInt32());
        Assert.Equal(4, json.GetProperty("succeeded").GetInt32());
        Assert.Equal(1.0, json.GetProperty("successRate").GetDouble());
        Assert.Equal(4, json.GetProperty("results").GetProperty("200").GetInt32());
        var latency = json.GetProperty("latencyMs");
        Assert.True(latency.GetProperty("p50").GetDouble() <= latency.GetProperty("p99").GetDouble());
        Assert.True(latency.GetProperty("p99").GetDouble() <= latency.GetProperty("max").GetDouble());
        Assert.True(latency.GetProperty("max").GetDouble() > 0);
        Assert.Matches("^[0-9a-f]{32}$", json.GetProperty("slowestTraceId").GetString());
        Assert.Equal(json.GetProperty("slowestTraceId").GetString(), json.GetProperty("slowest").GetProperty("traceId").GetString());
        Assert.Empty(json.GetProperty("failedOrders").EnumerateArray());
    }

    [Fact]
    public async Task Load_keeps_the_guides_one_second_pacing_unless_told_otherwise()
    {
        var clock = Stopwatch.StartNew();
        var json = await LoadJsonAsync(ExitCodes.Success, "--orders", "3");

        Assert.Equal(1.0, json.GetProperty("plan").GetProperty("intervalSeconds").GetDouble());
        // Three orders a second apart: two pauses.
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Load_with_concurrency_and_a_rate_for_a_duration_is_bounded_by_that_rate_and_time()
    {
        var clock = Stopwatch.StartNew();
        var json = await LoadJsonAsync(ExitCodes.Success, "--concurrency", "4", "--rate", "40", "--duration", "1.5s");
        clock.Stop();

        var sent = json.GetProperty("sent").GetInt32();
        // 40 per second for 1.5 s: 60 scheduled, the last ones possibly cut by the deadline.
        Assert.InRange(sent, 20, 61);
        Assert.Equal(sent, json.GetProperty("succeeded").GetInt32());
        Assert.Equal(4, json.GetProperty("plan").GetProperty("concurrency").GetInt32());
        Assert.Equal(0.0, json.GetProperty("plan").GetProperty("intervalSeconds").GetDouble());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"took {clock.Elapsed}");
    }
}

[Collection(ChaosLabCollection.Name)]
public sealed class LoadOnALocalRunWithChaosTests(ChaosLab lab) : LocalLabCliTest(lab)
{
    [Fact]
    public async Task Load_fails_with_criteria_missed_and_counts_every_failed_order_when_the_database_fails_every_store()
    {
        await Load(ExitCodes.CriteriaMissed, "--orders", "4", "--interval", "0");

        Assert.Contains("FAIL 4 of 4 orders did not get HTTP 200", Cli.Output);
        Assert.Contains("Success rate: 0.0 % (0 of 4 HTTP 200)", Cli.Output);
        Assert.DoesNotContain("│ 200 ", Cli.Output);
        // Each failed order is listed with what the system said went wrong.
        Assert.Matches(@"item-1: 5\d\d after", Cli.Output);
    }

    [Fact]
    public async Task Load_with_json_reports_the_failures_by_status()
    {
        var json = await LoadJsonAsync(ExitCodes.CriteriaMissed, "--orders", "3", "--interval", "0");

        Assert.False(json.GetProperty("passed").GetBoolean());
        Assert.Equal(3, json.GetProperty("failed").GetInt32());
        Assert.Equal(0.0, json.GetProperty("successRate").GetDouble());
        var results = json.GetProperty("results").EnumerateObject().ToList();
        Assert.All(results, r => Assert.StartsWith("5", r.Name));
        Assert.Equal(3, results.Sum(r => r.Value.GetInt32()));
        Assert.Equal(3, json.GetProperty("failedOrders").GetArrayLength());
        Assert.All(json.GetProperty("failedOrders").EnumerateArray(), o => Assert.False(string.IsNullOrEmpty(o.GetProperty("detail").GetString())));
    }
}

[Collection(WrongDatabaseUrlLabCollection.Name)]
public sealed class LoadOnALocalRunWithAWrongDatabaseUrlTests(WrongDatabaseUrlLab lab) : LocalLabCliTest(lab)
{
    [Fact]
    public async Task Load_fails_with_criteria_missed_when_the_order_service_cannot_reach_its_database()
    {
        var json = await LoadJsonAsync(ExitCodes.CriteriaMissed, "--orders", "3", "--interval", "0");

        Assert.Equal(3, json.GetProperty("failed").GetInt32());
        Assert.Contains(json.GetProperty("failedOrders").EnumerateArray(), o => o.GetProperty("detail").GetString()!.Contains("database", StringComparison.OrdinalIgnoreCase));
    }
}

public sealed class LoadWithoutAGatewayTests : CliRunTest
{
    [Fact]
    public async Task Load_against_a_port_where_nothing_listens_counts_refused_connections_as_failures()
    {
        var port = Gateways.ClosedPort();

        await RunAsync(NoRun, ExitCodes.CriteriaMissed, "load", "--url", $"http://127.0.0.1:{port}", "--orders", "2", "--interval", "0");

        Assert.Contains("connection refused", Cli.Output);
        Assert.Contains("2 of 2 orders did not get HTTP 200 (2 × connection refused)", Cli.Output);
    }

    [Fact]
    public async Task Load_fails_when_an_order_takes_two_seconds_or_more_even_if_every_status_is_200()
    {
        await using var gateway = await LoopbackServer.StartAsync(app => app.MapPost("/api/orders", (Func<HttpContext, Task<IResult>>)(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            if (body.Contains("\"item-2\"", StringComparison.Ordinal))
            {
                await Task.Delay(TimeSpan.FromSeconds(2.1));
            }
            context.Response.Headers["traceparent"] = body.Contains("\"item-2\"", StringComparison.Ordinal)
                ? "00-22222222222222222222222222222222-00f067aa0ba902b7-01"
                : "00-11111111111111111111111111111111-00f067aa0ba902b7-01";
            return Results.Json(new { success = true });
        })));

        await RunAsync(NoRun, ExitCodes.CriteriaMissed, "load", "--url", gateway.Url.ToString(), "--orders", "3", "--interval", "0");

        Assert.Contains("1 of 3 orders took 2 s or more", Cli.Output);
        Assert.Contains("Slowest order: item-2, 200 in", Cli.Output);
        Assert.Contains("trace id 22222222222222222222222222222222", Cli.Output);
        Assert.Contains("Success rate: 100.0 %", Cli.Output);
    }

    [Fact]
    public async Task Load_sends_the_guides_request_a_json_post_of_item_N_with_quantity_1()
    {
        var bodies = new List<(string? ContentType, string Body)>();
        await using var gateway = await LoopbackServer.StartAsync(app => app.MapPost("/api/orders", (Func<HttpContext, Task<IResult>>)(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            lock (bodies)
            {
                bodies.Add((context.Request.ContentType, body));
            }
            return Results.Json(new { success = true });
        })));

        await RunAsync(NoRun, ExitCodes.Success, "load", "--url", gateway.Url.ToString(), "--orders", "2", "--interval", "0");

        Assert.Equal(["""{"item": "item-1", "quantity": 1}""", """{"item": "item-2", "quantity": 1}"""], bodies.Select(b => b.Body).Order());
        Assert.All(bodies, b => Assert.StartsWith("application/json", b.ContentType));
        // No traceparent came back: the report says so rather than inventing one.
        Assert.Contains("(no traceparent header)", Cli.Output);
    }

    [Fact]
    public void The_plan_is_the_guides_paced_check_by_default_and_a_load_without_pauses_with_any_load_option()
    {
        var guide = LoadCommand.Plan(null, null, null, null, null, null, null);
        Assert.Equal(new Uri("http://localhost:8080/api/orders"), guide.OrdersUrl);
        Assert.Equal(20, guide.Orders);
        Assert.Equal(TimeSpan.FromSeconds(1), guide.Interval);
        Assert.True(guide.IsPacedCheck);

        var timed = LoadCommand.Plan(null, null, null, null, null, TimeSpan.FromSeconds(30), null);
        Assert.Null(timed.Orders);
        Assert.Equal(TimeSpan.Zero, timed.Interval);
        Assert.Equal(TimeSpan.FromSeconds(30), timed.TimeLimit);

        var concurrent = LoadCommand.Plan(null, 100, null, 8, null, null, null);
        Assert.Equal(100, concurrent.OrderLimit);
        Assert.Equal(TimeSpan.Zero, concurrent.Interval);
        Assert.Equal(8, concurrent.Concurrency);
    }
}
