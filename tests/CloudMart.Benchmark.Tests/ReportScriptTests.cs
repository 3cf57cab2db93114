using System.Net;
using CloudMart.Lab;

namespace CloudMart.Benchmark.Tests;

/// <summary>
/// bench/wrk/report.lua run by the real wrk against a local server that answers every fourth
/// request with 503: the script must send the order and count each status.
/// </summary>
public sealed class ReportScriptTests : IAsyncLifetime
{
    LoopbackServer? _server;
    Uri _url = null!;
    int _count;

    IReadOnlyCollection<ReceivedRequest> Received => _server!.Received;

    public async Task InitializeAsync()
    {
        _server = await LoopbackServer.StartRecordingAsync(_ => Interlocked.Increment(ref _count) % 4 == 0 ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK);
        _url = new Uri(_server.Url, "/api/orders");

        // The server's first answer can take seconds on a busy machine (its code is compiled on
        // first use); wrk's short runs must not spend their time on it. A GET and a POST with a
        // body, as wrk sends, warm both paths (a GET alone left the body reading cold: one run
        // saw 2 requests in wrk's whole second).
        using var client = new HttpClient();
        (await client.GetAsync(_url)).Dispose();
        using var body = new StringContent(BenchmarkRunner.OrderBody, System.Text.Encoding.UTF8, "application/json");
        (await client.PostAsync(_url, body)).Dispose();
        _server.Received.Clear();
        _count = 0;
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    static WrkRunner Wrk()
    {
        var wrk = WrkRunner.Find();
        Assert.True(wrk is not null, "these tests run the real wrk: install it with sudo apt-get install wrk");
        var script = Path.Combine(TestMachine.RepositoryRoot, "bench", "wrk", "report.lua");
        return new WrkRunner(wrk, script, maxThreads: 2);
    }

    [Fact]
    public async Task Run_posts_the_order_and_counts_each_status()
    {
        var result = await Wrk().RunAsync(new WrkLoad(_url, 2, TimeSpan.FromSeconds(1), "POST", BenchmarkRunner.OrderBody), CancellationToken.None);

        var seen = $"wrk reported {Describe(result)}; the server received {Received.Count}";
        Assert.NotNull(result.Statuses);
        Assert.True(result.Requests > 10, seen);
        Assert.True(result.Requests == result.Statuses.Values.Sum(), seen);
        Assert.True(result.Statuses.Keys.Order().SequenceEqual(["200", "503"]), seen);
        Assert.True(result.Statuses["200"] == result.Successful, seen);
        Assert.True(result.Statuses["503"] == result.Errors.Status, seen);
        Assert.True(result.LatencyUs.P50 >= 1 && result.LatencyUs.P50 <= result.LatencyUs.Max, seen);
        Assert.True(Received.Count >= result.Requests, seen);
        Assert.All(Received, r =>
        {
            Assert.Equal("POST", r.Method);
            Assert.Equal("application/json", r.ContentType);
            Assert.Equal("""{"item": "laptop", "quantity": 1}""", r.Body);
        });
    }

    [Fact]
    public async Task Run_without_status_counts_sends_AP_lain_get()
    {
        var result = await Wrk().RunAsync(new WrkLoad(_url, 1, TimeSpan.FromSeconds(1), CountStatuses: false), CancellationToken.None);

        var seen = $"wrk reported {Describe(result)}; the server received {Received.Count}";
        Assert.Null(result.Statuses);
        Assert.True(result.Requests > 10, seen);
        Assert.True(result.NonSuccess > 0, "wrk's own count should hold the 503s; " + seen);
        Assert.All(Received, r => Assert.Equal(("GET", ""), (r.Method, r.Body)));
    }

    static string Describe(WrkResult result) =>
        $"{result.Requests} requests, errors {result.Errors}, statuses {(result.Statuses is null ? "none" : string.Join(", ", result.Statuses.Select(s => $"{s.Key}: {s.Value}")))}, latency {result.LatencyUs}";
}
