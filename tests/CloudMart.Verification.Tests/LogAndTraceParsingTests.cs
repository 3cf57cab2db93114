using CloudMart.Verification.Checks;
using CloudMart.Testing;

namespace CloudMart.Verification.Tests;

public sealed class LogAndTraceParsingTests
{
    [Theory]
    [InlineData("""{"timestamp":"2026-11-24T08:50:57.026Z","level":"error","service":"order-service","message":"Order x was not created"}""", true)]
    [InlineData("""{"timestamp":"2026-11-24T08:50:57.026Z","level":"fatal","service":"database-service","message":"FATAL: DB_NAME is not set"}""", true)]
    [InlineData("""{"timestamp":"2026-11-24T08:50:57.026Z","level":"warn","service":"order-service","message":"Retrying"}""", false)]
    [InlineData("""{"timestamp":"2026-11-24T08:50:57.026Z","level":"info","service":"api-service","message":"Order accepted"}""", false)]
    [InlineData("""{"timestamp":"2026-11-24T08:50:57+00:00","level":"error","service":"gateway","message":"POST /api/orders 502","status":502}""", true)]
    [InlineData("""{"timestamp":"2026-11-24T08:50:57+00:00","service":"gateway","message":"POST /api/orders 503","status":503}""", true)]
    [InlineData("""{"timestamp":"2026-11-24T08:50:57+00:00","level":"warn","service":"gateway","message":"POST /api/orders 400","status":400}""", false)]
    [InlineData("2026/11/24 08:50:57 [error] 29#29: *41 connect() failed (111: Connection refused) while connecting to upstream", true)]
    [InlineData("2026/11/24 08:50:57 [warn] 29#29: an upstream response is buffered to a temporary file", false)]
    [InlineData("2026/11/24 08:50:57 [notice] 1#1: start worker processes", false)]
    [InlineData("Unhandled exception. System.InvalidOperationException: boom", true)]
    [InlineData("   ", false)]
    [InlineData("{ not json but has [error] in it", true)]
    public void Error_lines_are_the_error_and_fatal_levels_5xx_access_lines_and_nginx_errors(string line, bool expected) =>
        Assert.Equal(expected, LogScan.IsError(line));

    [Fact]
    public void Json_lines_from_before_the_window_are_not_counted()
    {
        var line = """{"timestamp":"2026-11-24T08:00:00.000Z","level":"error","service":"api-service","message":"old"}""";

        Assert.True(LogScan.IsError(line, DateTimeOffset.Parse("2026-11-24T07:59:00Z", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.False(LogScan.IsError(line, DateTimeOffset.Parse("2026-11-24T08:01:00Z", System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void A_json_line_is_summarized_as_its_level_message_and_exception()
    {
        var line = """{"timestamp":"t","level":"error","service":"order-service","trace_id":"x","message":"POST http://database:8080/store failed","exception":"System.Net.Http.HttpRequestException: Name or service not known (database:8080)\n   at X.Y()"}""";

        Assert.Equal("error: POST http://database:8080/store failed — System.Net.Http.HttpRequestException: Name or service not known (database:8080)",
            LogScan.Summarize(line));
        Assert.Equal("[error] plain", LogScan.Summarize("  [error] plain  "));
    }

    [Fact]
    public void A_log_file_scan_counts_matches_from_an_offset_and_keeps_the_first_few()
    {
        using var folder = new TempFolder();
        var file = folder.File("service.log", "a error\nb\nc error\nd error\n");

        var all = LogFileScan.Run(file, 0, line => line.Contains("error", StringComparison.Ordinal), keep: 2);
        Assert.Equal((4L, 3L), (all.Lines, all.Matches));
        Assert.Equal(["a error", "c error"], all.Kept);

        var tail = LogFileScan.Run(file, "a error\nb\n".Length, line => line.Contains("error", StringComparison.Ordinal), keep: 5);
        Assert.Equal((2L, 2L), (tail.Lines, tail.Matches));

        Assert.Equal(0, LogFileScan.Run(Path.Combine(folder.Path, "missing.log"), 0, _ => true, 1).Lines);
    }

    [Fact]
    public void Spans_are_counted_by_service_name_in_each_shape_Tempo_answers_with()
    {
        const string v1 = """
            {"batches":[
              {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api-service"}}]},
               "scopeSpans":[{"scope":{"name":"a"},"spans":[{"spanId":"1"},{"spanId":"2"}]}]},
              {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"order-service"}}]},
               "instrumentationLibrarySpans":[{"spans":[{"spanId":"3"}]}]},
              {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api-service"}}]},
               "scopeSpans":[{"spans":[{"spanId":"4"}]}]}
            ]}
            """;
        const string v2 = """
            {"trace":{"resourceSpans":[
              {"resource":{"attributes":[{"key":"host.name","value":{"stringValue":"pod-1"}},{"key":"service.name","value":{"stringValue":"auth-service"}}]},
               "scopeSpans":[{"spans":[{"spanId":"5"}]}]}
            ]}}
            """;

        Assert.Equal(new Dictionary<string, int> { ["api-service"] = 3, ["order-service"] = 1 }, TempoTraceCheck.SpansByService(v1));
        Assert.Equal(new Dictionary<string, int> { ["auth-service"] = 1 }, TempoTraceCheck.SpansByService(v2));
        Assert.Empty(TempoTraceCheck.SpansByService("{}"));
    }

    [Fact]
    public async Task A_trace_Tempo_never_finds_fails_after_the_wait_and_says_what_to_check()
    {
        await using var tempo = await LoopbackServer.StartAsync(app =>
            Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions.MapGet(app, "/api/traces/{id}", () => Microsoft.AspNetCore.Http.Results.NotFound()));

        var result = await TempoTraceCheck.RunAsync(tempo.Url, "4bf92f3577b34da6a3ce929d0e0e4736", TimeSpan.FromMilliseconds(300), _ => { }, CancellationToken.None);

        Assert.Equal(CheckOutcome.Failed, result.Outcome);
        Assert.StartsWith("Tempo does not have trace 4bf92f3577b34da6a3ce929d0e0e4736 (404 Not Found after", result.Summary);
        Assert.Contains("OTEL_EXPORTER_OTLP_ENDPOINT", result.Evidence.Single());
    }
}
