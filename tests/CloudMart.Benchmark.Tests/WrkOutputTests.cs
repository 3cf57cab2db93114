namespace CloudMart.Benchmark.Tests;

public class WrkOutputTests
{
    const string WithStatuses = """
        Running 2s test @ http://127.0.0.1:18999/api/orders
          2 threads and 4 connections
        Requests/sec:    358.55
        BENCH_RESULT {"duration_us":2077830,"requests":745,"bytes":387585,"errors":{"connect":0,"read":1,"write":0,"status":5,"timeout":2},"latency_us":{"min":363,"mean":32205,"stdev":52488,"max":269249,"p50":7468,"p90":107613,"p99":235736,"p999":269009},"statuses":{"200":740,"503":5}}
        """;

    [Fact]
    public void Parse_result_line_with_statuses_reads_every_figure()
    {
        var result = WrkOutput.Parse(WithStatuses);

        Assert.Equal(2_077_830, result.DurationUs);
        Assert.Equal(745, result.Requests);
        Assert.Equal(new WrkErrors(0, 1, 0, 5, 2), result.Errors);
        Assert.Equal(new WrkLatency(363, 32205, 52488, 269_249, 7468, 107_613, 235_736, 269_009), result.LatencyUs);
        Assert.Equal(740, result.Successful);
        Assert.Equal(5, result.NonSuccess);
        Assert.Equal(3, result.SocketErrors);
        Assert.Equal(740 / 2.07783, result.SuccessfulPerSecond, 3);
    }

    [Fact]
    public void Parse_without_status_counts_takes_wrks_own_error_count()
    {
        var result = WrkOutput.Parse("""BENCH_RESULT {"duration_us":1000000,"requests":100,"bytes":1,"errors":{"connect":0,"read":0,"write":0,"status":7,"timeout":0},"latency_us":{"min":1,"mean":1,"stdev":0,"max":1,"p50":1,"p90":1,"p99":1,"p999":1},"statuses":null}""");

        Assert.Null(result.Statuses);
        Assert.Equal(93, result.Successful);
        Assert.Equal(7, result.NonSuccess);
        Assert.Equal(100, result.RequestsPerSecond, 6);
    }

    [Theory]
    [InlineData("Running 1s test @ http://127.0.0.1/\nRequests/sec: 10\n")]
    [InlineData("BENCH_RESULT {\"duration_us\":")]
    [InlineData("BENCH_RESULT null")]
    public void Parse_output_without_AR_esult_line_throws(string output)
    {
        Assert.Throws<FormatException>(() => WrkOutput.Parse(output));
    }

    [Fact]
    public void Threads_for_never_more_threads_than_connections()
    {
        var url = new Uri("http://127.0.0.1:1/");

        Assert.Equal(1, new WrkLoad(url, 1, TimeSpan.FromSeconds(1)).ThreadsFor(2));
        Assert.Equal(2, new WrkLoad(url, 64, TimeSpan.FromSeconds(1)).ThreadsFor(2));
    }
}
