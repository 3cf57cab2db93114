using System.Collections.Concurrent;
using CloudMart.OrderService.Faults;
using CloudMart.ServiceDefaults;
using CloudMart.ServiceDefaults.Contracts;
using CloudMart.ServiceDefaults.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CloudMart.Faults.Tests;

/// <summary>
/// Fault 7: how the order-service retries a failing database-service. The retry pipeline the
/// service registers is driven against a real HTTP server on loopback that records when each
/// attempt arrives.
/// </summary>
public sealed class RetryFaultTests : IAsyncLifetime
{
    static readonly Order SampleOrder = new("ord-retry-test", "laptop", 1, DateTimeOffset.UtcNow);

    readonly ConcurrentQueue<TimeSpan> _attempts = new();
    readonly List<double> _delaysMs = [];
    readonly Stopwatch _clock = Stopwatch.StartNew();
    Func<int, HttpContext, Task> _answer = (_, context) => Results.Problem("down", statusCode: 500).ExecuteAsync(context);
    LoopbackServer? _server;

    public async Task InitializeAsync()
    {
        _server = await LoopbackServer.StartAsync(app => app.MapPost("/store", context =>
        {
            _attempts.Enqueue(_clock.Elapsed);
            return _answer(_attempts.Count, context);
        }));
    }

    [Fact]
    public void Fault7_the_service_ships_with_immediate_retry()
    {
        Assert.Equal(RetryStrategy.Immediate, RetryFault.Shipped);
    }

    [Fact]
    public void Fault7_the_local_runs_build_follows_its_switch_and_without_it_does_what_the_image_does()
    {
        Assert.Equal(RetryStrategy.ExponentialBackoff, LocalRetrySwitch.Effective(LocalRunSwitches.RetryBackoff));
        Assert.Equal(RetryStrategy.Immediate, LocalRetrySwitch.Effective(LocalRunSwitches.RetryImmediate));
        Assert.Equal(RetryFault.Shipped, LocalRetrySwitch.Effective(null));
    }

    [Fact]
    public async Task Fault7_as_shipped_a_503_with_Retry_After_is_retried_at_once_and_with_the_fix_after_the_wait_it_asks_for()
    {
        _answer = (_, context) =>
        {
            context.Response.Headers.RetryAfter = "1";
            return Results.Problem("writes paused", statusCode: 503).ExecuteAsync(context);
        };
        await StoreFailsAsync(RetryFault.Shipped);
        Assert.Equal([0d, 0d, 0d], _delaysMs.ToArray());

        _delaysMs.Clear();
        await StoreFailsAsync(RetryStrategy.ExponentialBackoff);
        Assert.Equal([1000d, 1000d, 1000d], _delaysMs.ToArray());
    }

    [Fact]
    public async Task Fault7_as_shipped_a_failed_store_is_retried_at_once_with_no_delay()
    {
        await StoreFailsAsync(RetryFault.Shipped);

        var times = _attempts.ToArray();
        Assert.Equal(1 + StoreRetry.MaxRetryAttempts, times.Length);
        Assert.Equal([0d, 0d, 0d], _delaysMs.ToArray());
        // The configured delays above are the proof; the timing only has to show no wait was added (generous for a busy machine).
        var span = times[^1] - times[0];
        Assert.True(span < TimeSpan.FromSeconds(2), $"four attempts took {span.TotalMilliseconds:0} ms: {Describe(times)}");
    }

    [Fact]
    public async Task Fault7_with_the_fix_failed_stores_are_retried_with_exponential_backoff()
    {
        await StoreFailsAsync(RetryStrategy.ExponentialBackoff);

        var times = _attempts.ToArray();
        Assert.Equal(1 + StoreRetry.MaxRetryAttempts, times.Length);
        var gaps = times.Zip(times.Skip(1), (a, b) => b - a).ToArray();
        var delays = _delaysMs.ToArray();
        Assert.Equal(StoreRetry.MaxRetryAttempts, delays.Length);
        // Polly's jittered exponential delays add up to 2.8 to 5.7 times the base delay over three retries.
        Assert.InRange(delays.Sum(), StoreRetry.BaseDelay.TotalMilliseconds * 2.8, StoreRetry.BaseDelay.TotalMilliseconds * 5.8);
        Assert.All(delays, d => Assert.True(d > 0));
        // Each retry really waited its delay before it reached the server.
        for (var i = 0; i < gaps.Length; i++)
        {
            Assert.True(gaps[i].TotalMilliseconds >= delays[i] - 15, $"retry {i + 1} came after {gaps[i].TotalMilliseconds:0} ms, its delay was {delays[i]:0} ms");
        }
        // Jitter: a second run spaces its retries differently.
        var first = delays;
        _delaysMs.Clear();
        await StoreFailsAsync(RetryStrategy.ExponentialBackoff);
        Assert.NotEqual(first, _delaysMs.ToArray());
    }

    [Fact]
    public async Task Fault7_with_the_fix_a_hung_attempt_is_abandoned_after_the_attempt_timeout_and_retried()
    {
        _answer = async (attempt, context) =>
        {
            if (attempt == 1)
            {
                await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted).ContinueWith(_ => { });
                return;
            }
            await Results.Created("/orders/x", new StoreResult(true, SampleOrder, true)).ExecuteAsync(context);
        };

        var client = Client(RetryStrategy.ExponentialBackoff);
        var called = _clock.Elapsed;
        var result = await client.PostAsync("/store", SampleOrder,
            CloudMartJson.Default.Order, CloudMartJson.Default.StoreResult, CancellationToken.None);

        Assert.True(result.Created);
        var times = _attempts.ToArray();
        Assert.Equal(2, times.Length);
        // The second attempt can only come once the first has used up its timeout (counted from the call).
        var gap = times[1] - called;
        Assert.InRange(gap, StoreRetry.AttemptTimeout - TimeSpan.FromMilliseconds(50), StoreRetry.AttemptTimeout + TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Fault7_the_solution_patch_switches_the_shipped_strategy_to_backoff_and_nothing_else()
    {
        var patch = File.ReadAllLines(Path.Combine(TestMachine.Repository.Root, "k8s", "day-4", "solution", "fault-7-retry-backoff.patch"));
        var removed = patch.Where(l => l.StartsWith('-') && !l.StartsWith("---", StringComparison.Ordinal)).Select(l => l[1..].Trim()).ToArray();
        var added = patch.Where(l => l.StartsWith('+') && !l.StartsWith("+++", StringComparison.Ordinal)).Select(l => l[1..].Trim()).ToArray();
        Assert.Equal(["public const RetryStrategy Shipped = RetryStrategy.Immediate;"], removed);
        Assert.Equal(["public const RetryStrategy Shipped = RetryStrategy.ExponentialBackoff;"], added);
        Assert.Contains("+++ b/services/day-4/broken-production/order-service/Faults/RetryFault.cs", patch);

        var current = File.ReadAllText(Path.Combine(TestMachine.Repository.ServiceDir("order-service"), "Faults", "RetryFault.cs"));
        Assert.Contains(removed[0], current);
    }

    /// <summary>A store through a client with the given retry strategy, while the test database answers every attempt with a failure: the retries are spent, then it throws.</summary>
    Task StoreFailsAsync(RetryStrategy strategy) =>
        Assert.ThrowsAsync<DependencyException>(() => Client(strategy).PostAsync("/store", SampleOrder,
            CloudMartJson.Default.Order, CloudMartJson.Default.StoreResult, CancellationToken.None));

    DependencyClient Client(RetryStrategy strategy)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(new RetryDelayRecorder(_delaysMs)));
        services.AddDependency(ServiceCatalog.Database.Name, _server!.Url).AddStoreRetry(ServiceCatalog.Database.Name, strategy);
        return services.BuildServiceProvider().GetRequiredKeyedService<DependencyClient>(ServiceCatalog.Database.Name);
    }

    /// <summary>Collects the delay each retry announces in the order-service's "Retrying ..." log line.</summary>
    sealed class RetryDelayRecorder(List<double> delays) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Name == "RetryingDependency" && state is IReadOnlyList<KeyValuePair<string, object?>> values
                && values.FirstOrDefault(v => v.Key == "DelayMs").Value is double delay)
            {
                lock (delays)
                {
                    delays.Add(delay);
                }
            }
        }

        public void Dispose()
        {
        }
    }

    static string Describe(TimeSpan[] times) =>
        string.Join(", ", times.Select(t => $"{(t - times[0]).TotalMilliseconds:0} ms"));

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
