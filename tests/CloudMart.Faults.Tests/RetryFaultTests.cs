using System.Collections.Concurrent;
using System.Diagnostics;
using CloudMart.OrderService.Faults;
using CloudMart.ServiceDefaults;
using CloudMart.ServiceDefaults.Contracts;
using CloudMart.ServiceDefaults.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
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
    readonly Stopwatch _clock = Stopwatch.StartNew();
    Func<int, HttpContext, Task> _answer = (_, context) => Results.Problem("down", statusCode: 500).ExecuteAsync(context);
    WebApplication? _server;
    Uri? _serverUrl;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _server = builder.Build();
        _server.MapPost("/store", context =>
        {
            _attempts.Enqueue(_clock.Elapsed);
            return _answer(_attempts.Count, context);
        });
        await _server.StartAsync();
        _serverUrl = new Uri(_server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    [Fact]
    public void Fault7_the_service_ships_with_immediate_retry()
    {
        Assert.Equal(RetryStrategy.Immediate, RetryFault.Shipped);
    }

    [Fact]
    public async Task Fault7_as_shipped_a_failed_store_is_retried_at_once_with_no_delay()
    {
        await Assert.ThrowsAsync<DependencyException>(() => Client(RetryFault.Shipped).PostAsync("/store", SampleOrder,
            CloudMartJson.Default.Order, CloudMartJson.Default.StoreResult, CancellationToken.None));

        var times = _attempts.ToArray();
        Assert.Equal(1 + StoreRetry.MaxRetryAttempts, times.Length);
        var span = times[^1] - times[0];
        Assert.True(span < TimeSpan.FromMilliseconds(300), $"four attempts took {span.TotalMilliseconds:0} ms: {Describe(times)}");
    }

    [Fact]
    public async Task Fault7_with_the_fix_failed_stores_are_retried_with_exponential_backoff()
    {
        await Assert.ThrowsAsync<DependencyException>(() => Client(RetryStrategy.ExponentialBackoff).PostAsync("/store", SampleOrder,
            CloudMartJson.Default.Order, CloudMartJson.Default.StoreResult, CancellationToken.None));

        var times = _attempts.ToArray();
        Assert.Equal(1 + StoreRetry.MaxRetryAttempts, times.Length);
        var gaps = times.Zip(times.Skip(1), (a, b) => b - a).ToArray();
        // Polly's jittered exponential delays sum to between 2.8 and 5.7 times the base delay over three retries.
        var span = times[^1] - times[0];
        Assert.True(span >= StoreRetry.BaseDelay * 2.5, $"retries came too fast: {Describe(times)}");
        Assert.True(span < TimeSpan.FromSeconds(3), $"retries took too long: {Describe(times)}");
        Assert.True(gaps[^1] > gaps[0], $"the delay should grow: {Describe(times)}");
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

        var result = await Client(RetryStrategy.ExponentialBackoff).PostAsync("/store", SampleOrder,
            CloudMartJson.Default.Order, CloudMartJson.Default.StoreResult, CancellationToken.None);

        Assert.True(result.Created);
        var times = _attempts.ToArray();
        Assert.Equal(2, times.Length);
        var gap = times[1] - times[0];
        Assert.InRange(gap, StoreRetry.AttemptTimeout - TimeSpan.FromMilliseconds(100), StoreRetry.AttemptTimeout + TimeSpan.FromSeconds(1.5));
    }

    [Fact]
    public void Fault7_the_solution_patch_switches_the_shipped_strategy_to_backoff_and_nothing_else()
    {
        var patch = File.ReadAllLines(Path.Combine(Repo.Root, "k8s", "day-4", "solution", "fault-7-retry-backoff.patch"));
        var removed = patch.Where(l => l.StartsWith('-') && !l.StartsWith("---", StringComparison.Ordinal)).Select(l => l[1..].Trim()).ToArray();
        var added = patch.Where(l => l.StartsWith('+') && !l.StartsWith("+++", StringComparison.Ordinal)).Select(l => l[1..].Trim()).ToArray();
        Assert.Equal(["public const RetryStrategy Shipped = RetryStrategy.Immediate;"], removed);
        Assert.Equal(["public const RetryStrategy Shipped = RetryStrategy.ExponentialBackoff;"], added);
        Assert.Contains("+++ b/services/day-4/broken-production/order-service/Faults/RetryFault.cs", patch);

        var current = File.ReadAllText(Path.Combine(Repo.ServiceDir("order-service"), "Faults", "RetryFault.cs"));
        Assert.Contains(removed[0], current);
    }

    DependencyClient Client(RetryStrategy strategy)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDependency(ServiceCatalog.Database.Name, _serverUrl!).AddStoreRetry(ServiceCatalog.Database.Name, strategy);
        return services.BuildServiceProvider().GetRequiredKeyedService<DependencyClient>(ServiceCatalog.Database.Name);
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
