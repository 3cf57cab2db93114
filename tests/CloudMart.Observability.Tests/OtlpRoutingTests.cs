using System.Text;

namespace CloudMart.Observability.Tests;

/// <summary>
/// Which signals a real service process pushes over OTLP for which standard variables, seen by a
/// real OTLP/HTTP receiver: the shared endpoint gets traces alone, each per-signal endpoint its signal.
/// </summary>
public sealed class OtlpRoutingTests
{

    const string Traces = "/v1/traces";
    const string Metrics = "/v1/metrics";
    const string Logs = "/v1/logs";

    /// <summary>Short export intervals (the SDK reads these standard variables itself), so a misrouted signal shows within seconds.</summary>
    static readonly Dictionary<string, string> FastExport = new()
    {
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
    };

    [Fact]
    public async Task The_shared_endpoint_receives_traces_and_nothing_else()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await RunServiceAsync(new()
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Url.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        }, until: () => receiver.Count(Traces) > 0);

        Assert.True(receiver.Count(Traces) > 0, "no traces arrived at /v1/traces");
        // Several metric intervals and log batches have passed by now; none of them may come here.
        Assert.Equal(0, receiver.Count(Metrics));
        Assert.Equal(0, receiver.Count(Logs));
        Assert.Equal([Traces], receiver.Received.Keys.ToArray());
    }

    [Fact]
    public async Task Each_signal_goes_to_the_endpoint_named_for_it_and_logs_carry_the_formatted_message()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var url = receiver.Url.ToString().TrimEnd('/');
        await RunServiceAsync(new()
        {
            ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = url + Traces,
            ["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"] = url + Metrics,
            ["OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"] = url + Logs,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        }, until: () => receiver.Count(Traces) > 0 && receiver.Count(Metrics) > 0 && receiver.Count(Logs) > 0);

        Assert.True(receiver.Count(Traces) > 0, "no traces");
        Assert.True(receiver.Count(Metrics) > 0, "no metrics");
        Assert.True(receiver.Count(Logs) > 0, "no logs");
        // The body of the start-up line is the message as written, with the address filled in, not its template.
        var logs = string.Join("\n", receiver.Bodies(Logs).Select(Encoding.UTF8.GetString));
        Assert.Contains("Now listening on: http://", logs);
    }

    [Fact]
    public async Task Without_any_endpoint_nothing_is_pushed()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await RunServiceAsync([], until: () => false, wait: TimeSpan.FromSeconds(4));
        Assert.Empty(receiver.Received);
    }

    /// <summary>
    /// Starts the notification-service (the real build output) with <paramref name="otel"/>, sends it
    /// a few requests, and waits until <paramref name="until"/> holds, then two more seconds (at most <paramref name="wait"/> in all).
    /// </summary>
    static async Task RunServiceAsync(Dictionary<string, string> otel, Func<bool> until, TimeSpan? wait = null)
    {
        var service = ServiceCatalog.Notification;
        var state = Directory.CreateTempSubdirectory("cloudmart-otlp-").FullName;
        var layout = new LabLayout(TestMachine.RepositoryRoot, state);
        var ports = LabPorts.FirstFree(Enumerable.Range(0, 20).Select(i => 24_000 + 300 * i + Random.Shared.Next(0, 200)));
        var environment = LocalEnvironment.For(service, ports, layout, signingKey: "unused-by-the-notification-service");
        foreach (var (key, value) in FastExport.Concat(otel))
        {
            environment[key] = value;
        }
        var removed = LocalEnvironment.AllCatalogVariables.Concat(FastExport.Keys).Where(v => !environment.ContainsKey(v));
        using var process = ChildProcess.Start(service.Name, ServiceBinaries.Build(TestMachine.Configuration).For(service, layout), environment,
            removed, Path.Combine(state, "service.log"), state);
        try
        {
            var url = ports.Url(service);
            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
            var clock = Stopwatch.StartNew();
            while (!await HealthProbe.IsHealthyAsync(new Uri(url, "/health"), service.Name, CancellationToken.None))
            {
                Assert.False(process.HasExited, process.LogTail());
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "the notification-service did not become healthy\n" + process.LogTail());
                await Task.Delay(200);
            }
            var limit = wait ?? TimeSpan.FromSeconds(30);
            clock.Restart();
            while (clock.Elapsed < limit && !until())
            {
                (await http.GetAsync(new Uri(url, "/notifications"))).Dispose();
                await Task.Delay(300);
            }
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
        finally
        {
            await process.StopAsync(TimeSpan.FromSeconds(5));
            Directory.Delete(state, recursive: true);
        }
    }
}
