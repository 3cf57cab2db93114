using CloudMart.Verification;
using CloudMart.Verification.Load;

namespace CloudMart.Verification.Tests;

public sealed class LoadReportTests
{
    static readonly LoadPlan Plan = new() { BaseUrl = new Uri("http://127.0.0.1:8080") };

    static OrderOutcome Order(int number, double milliseconds, int? status = 200, string? error = null, string? trace = null) =>
        new(number, TimeSpan.Zero, TimeSpan.FromMilliseconds(milliseconds), status, error, trace, null);

    [Fact]
    public void Percentiles_are_nearest_rank_over_every_order()
    {
        var report = new LoadReport(Plan, Enumerable.Range(1, 100).Select(i => Order(i, i)).ToList(), TimeSpan.FromSeconds(1), false);

        Assert.Equal(TimeSpan.FromMilliseconds(50), report.Percentile(50));
        Assert.Equal(TimeSpan.FromMilliseconds(90), report.Percentile(90));
        Assert.Equal(TimeSpan.FromMilliseconds(95), report.Percentile(95));
        Assert.Equal(TimeSpan.FromMilliseconds(99), report.Percentile(99));
        Assert.Equal(TimeSpan.FromMilliseconds(100), report.Max);
        Assert.Equal(100, report.Slowest!.Number);
    }

    [Fact]
    public void Twenty_fast_200s_pass_and_one_500_or_one_order_of_two_seconds_fails()
    {
        var fast = Enumerable.Range(1, 20).Select(i => Order(i, 30)).ToList();
        Assert.True(new LoadReport(Plan, fast, TimeSpan.FromSeconds(20), false).Passed);

        var withFailure = fast.Select(o => o.Number == 7 ? o with { Status = 500 } : o).ToList();
        var failed = new LoadReport(Plan, withFailure, TimeSpan.FromSeconds(20), false);
        Assert.False(failed.Passed);
        Assert.Equal(["1 of 20 orders did not get HTTP 200 (1 × 500)"], failed.Problems);
        Assert.Equal(0.95, failed.SuccessRate);

        var withSlow = fast.Select(o => o.Number == 3 ? o with { Latency = TimeSpan.FromSeconds(2) } : o).ToList();
        var slow = new LoadReport(Plan, withSlow, TimeSpan.FromSeconds(20), false);
        Assert.False(slow.Passed);
        Assert.Equal(["1 of 20 orders took 2 s or more (slowest 2.00 s)"], slow.Problems);
    }

    [Fact]
    public void No_orders_or_an_interrupted_run_never_pass()
    {
        Assert.Equal(["no order was sent"], new LoadReport(Plan, [], TimeSpan.Zero, false).Problems);
        Assert.Contains("interrupted before every order was sent", new LoadReport(Plan, [Order(1, 5)], TimeSpan.FromSeconds(1), true).Problems);
    }

    [Fact]
    public void Results_group_status_codes_first_then_errors()
    {
        var report = new LoadReport(Plan,
            [Order(1, 5), Order(2, 5, 502), Order(3, 5, null, "connection refused"), Order(4, 5), Order(5, 5, 500)],
            TimeSpan.FromSeconds(1), false);

        Assert.Equal(["200", "500", "502", "connection refused"], report.Results.Select(r => r.Key));
        Assert.Equal([2, 1, 1, 1], report.Results.Select(r => r.Value));
    }

    [Fact]
    public void The_slowest_traced_order_is_found_when_the_slowest_has_no_trace()
    {
        var report = new LoadReport(Plan, [Order(1, 900, null, "timed out after 10s"), Order(2, 40, trace: "ab"), Order(3, 60, trace: "cd")],
            TimeSpan.FromSeconds(1), false);

        Assert.Equal(1, report.Slowest!.Number);
        Assert.Equal("cd", report.SlowestTraced!.TraceId);
    }

    [Theory]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "4bf92f3577b34da6a3ce929d0e0e4736")]
    [InlineData("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", "4bf92f3577b34da6a3ce929d0e0e4736")]
    [InlineData("00-00000000000000000000000000000000-00f067aa0ba902b7-01", null)]
    [InlineData("garbage", null)]
    [InlineData(null, null)]
    public void The_trace_id_is_read_from_a_W3C_traceparent(string? traceparent, string? expected) =>
        Assert.Equal(expected, OrderLoad.TraceIdOf(traceparent));

    [Theory]
    [InlineData("0", 0)]
    [InlineData("250ms", 250)]
    [InlineData("1s", 1000)]
    [InlineData("1.5s", 1500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("0.5", 500)]
    [InlineData("2M", 120_000)]
    public void Durations_take_a_unit_or_plain_seconds(string text, int milliseconds)
    {
        Assert.True(DurationText.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-1s")]
    [InlineData("1d")]
    [InlineData("1e3")]
    [InlineData("25h")]
    public void Durations_refuse_anything_else(string text) => Assert.False(DurationText.TryParse(text, out _));

    [Fact]
    public void A_plan_names_the_option_of_its_first_bad_value()
    {
        Assert.Null(Plan.Problem());
        Assert.StartsWith("--orders", (Plan with { Orders = 0 }).Problem());
        Assert.StartsWith("--concurrency", (Plan with { Concurrency = 0 }).Problem());
        Assert.StartsWith("--rate", (Plan with { Rate = double.NaN }).Problem());
        Assert.StartsWith("--duration", (Plan with { Duration = TimeSpan.FromHours(2) }).Problem());
        Assert.StartsWith("--url", (Plan with { BaseUrl = new Uri("ftp://x") }).Problem());
    }
}
