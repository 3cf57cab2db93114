using System.Collections.Concurrent;
using System.Diagnostics;
using CloudMart.ServiceDefaults.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static CloudMart.Services.Tests.TestHttp;

namespace CloudMart.Services.Tests;

/// <summary>
/// A failed call to a dependency, as the services' exception handler answers it: the request's
/// server span carries the failure, and the logs hold only the service's own lines about it.
/// </summary>
public sealed class FailedDependencySpanTests : IDisposable
{
    readonly ConcurrentQueue<Activity> _serverSpans = new();
    readonly ActivityListener _listener;
    readonly CapturedLogs _logs = new();
    readonly ServiceFactory<OrderService.Program> _orders;
    readonly string _databaseUrl = $"http://127.0.0.1:{ClosedPort()}";

    public FailedDependencySpanTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _serverSpans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
        _orders = new ServiceFactory<OrderService.Program>(new Dictionary<string, string?> { ["DATABASE_URL"] = _databaseUrl },
            services => services.AddSingleton<ILoggerProvider>(_logs));
    }

    [Fact]
    public async Task A_failed_dependency_call_is_recorded_on_the_server_span_as_an_error_with_the_exception()
    {
        var response = await _orders.CreateClient().PostAsJsonAsync("/orders", new { item = "laptop", quantity = 1 });
        var problem = await AssertProblemAsync(response, HttpStatusCode.BadGateway);

        var span = await ServerSpanAsync(response);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        var exception = Assert.Single(span.Events, e => e.Name == "exception");
        var tags = exception.Tags.ToDictionary(t => t.Key, t => t.Value);
        Assert.Equal(typeof(DependencyException).FullName, tags["exception.type"]);
        Assert.Equal(span.StatusDescription, tags["exception.message"]);
        // The span keeps the URL and the transport's own words; the caller's answer names only the dependency.
        Assert.Contains($"{_databaseUrl}/store", (string)tags["exception.message"]!);
        Assert.DoesNotContain(_databaseUrl, Detail(problem), StringComparison.Ordinal);
        Assert.StartsWith("The database-service call failed:", Detail(problem), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_dependency_call_logs_the_service_lines_about_it_and_no_unhandled_exception()
    {
        var response = await _orders.CreateClient().PostAsJsonAsync("/orders", new { item = "laptop", quantity = 1 });
        await AssertProblemAsync(response, HttpStatusCode.BadGateway);

        // The framework logs no unhandled exception: the handler answered the failure.
        Assert.DoesNotContain(_logs.Entries, entry => entry.Category.StartsWith("Microsoft.", StringComparison.Ordinal) && entry.Level >= LogLevel.Warning);
        Assert.Single(_logs.Entries, entry => entry.Category == "CloudMart.Dependency.database-service" && entry.Level == LogLevel.Error);
        Assert.Single(_logs.Entries, entry => entry.Category == "CloudMart.OrderService.Orders" && entry.Level == LogLevel.Error);
    }

    /// <summary>The server span of the request that got this response, found by the span id its traceparent names.</summary>
    async Task<Activity> ServerSpanAsync(HttpResponseMessage response)
    {
        var spanId = Assert.Single(response.Headers.GetValues("traceparent")).Split('-')[2];
        // The span ends as the server finishes the request, which may be just after the client has the response.
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (_serverSpans.FirstOrDefault(span => span.SpanId.ToHexString() == spanId) is { } span)
            {
                return span;
            }
            await Task.Delay(20);
        }
        throw new TimeoutException($"no server span {spanId} ended within 10 s");
    }

    public void Dispose()
    {
        _orders.Dispose();
        _listener.Dispose();
    }
}
