using System.Diagnostics;
using CloudMart.ServiceDefaults.Contracts;
using CloudMart.ServiceDefaults.Telemetry;

namespace CloudMart.Customers;

/// <summary>
/// The customers themselves. They arrive at random (a Poisson process at the configured rate), so
/// a slow shop does not slow their arrival: visits pile up as they would in a real store, and the
/// waits show in the latency. Each visit is a guest checkout, or a sign-in, a checkout and
/// sometimes a look at the orders. A summary of the window goes to the log at each interval.
/// </summary>
public sealed partial class CustomerTraffic(Storefront shop, CheckoutStats stats, CustomerOptions options,
    IHostApplicationLifetime lifetime, ILogger<CustomerTraffic> logger) : BackgroundService
{

    /// <summary>The pause before a customer presses "buy" again after a failure.</summary>
    static readonly TimeSpan RetryPause = TimeSpan.FromSeconds(1);

    static readonly string[] Catalog = ["laptop", "keyboard", "mouse", "monitor", "headphones", "webcam", "usb-c-hub", "desk-lamp"];

    int _inFlight;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarted(logger, options.Target.ToString(), options.CheckoutsPerSecond, options.SignedInShare,
            options.Duration is { } limit ? $"{limit.TotalSeconds:0} s" : "until stopped");
        using var summaryStop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var summaries = WriteSummariesAsync(summaryStop.Token);
        try
        {
            await ArriveAsync(stoppingToken);
            // Let the last visits finish; each is bounded by two timeouts and the retry pause.
            var drained = Stopwatch.StartNew();
            while (Volatile.Read(ref _inFlight) > 0 && drained.Elapsed < 2 * options.RequestTimeout + RetryPause + TimeSpan.FromSeconds(1))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
            }
        }
        finally
        {
            await summaryStop.CancelAsync();
            await summaries;
            WriteSummary(stats.TakeWindow());
        }
        if (options.Duration is not null && !stoppingToken.IsCancellationRequested)
        {
            lifetime.StopApplication();
        }
    }

    async Task ArriveAsync(CancellationToken stopping)
    {
        var clock = Stopwatch.StartNew();
        var next = TimeSpan.Zero;
        while (!stopping.IsCancellationRequested && (options.Duration is not { } limit || next < limit))
        {
            var wait = next - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            if (Interlocked.Increment(ref _inFlight) > options.MaxInFlight)
            {
                Interlocked.Decrement(ref _inFlight);
                stats.RecordTurnedAway();
            }
            else
            {
                _ = Task.Run(() => VisitAsync(stopping), CancellationToken.None);
            }
            // Exponential gaps: independent arrivals at the configured mean rate.
            next += TimeSpan.FromSeconds(-Math.Log(1 - Random.Shared.NextDouble()) / options.CheckoutsPerSecond);
        }
    }

    async Task VisitAsync(CancellationToken stopping)
    {
        // Each visit is a trace of its own that starts at the customer.
        Activity.Current = null;
        var signedIn = Random.Shared.NextDouble() < options.SignedInShare;
        var kind = signedIn ? "signed_in" : "guest";
        using var visit = CloudMartTelemetry.Source.StartActivity("customer checkout", ActivityKind.Internal);
        visit?.SetTag("customer.kind", kind);
        try
        {
            string? customer = null;
            string? token = null;
            if (signedIn)
            {
                customer = DemoAccounts.RegularName(Random.Shared.Next(1, DemoAccounts.Regulars + 1));
                var started = Stopwatch.GetTimestamp();
                (var signIn, token) = await shop.SignInAsync(customer, stopping);
                if (token is null)
                {
                    Fail(visit, signIn);
                    stats.RecordCheckout(signIn, Stopwatch.GetElapsedTime(started), kind, statusPrefix: "sign_in_");
                    return;
                }
            }

            var checkout = await CheckoutAsync(token, stopping);
            stats.RecordCheckout(checkout.Answer, checkout.Elapsed, kind);
            if (!checkout.Answer.Succeeded)
            {
                Fail(visit, checkout.Answer);
                if (checkout.Answer.Status == 401 && customer is not null)
                {
                    shop.SignOut(customer);
                }
            }
            if (token is not null && Random.Shared.NextDouble() < options.ViewOrdersShare)
            {
                CheckoutStats.RecordOrderView(await shop.ViewOrdersAsync(token, stopping));
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The program is stopping; a visit cut short is no answer from the shop.
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>One checkout: an attempt, and one more with the same key after a 5xx or a timeout.</summary>
    async Task<(Answer Answer, TimeSpan Elapsed)> CheckoutAsync(string? token, CancellationToken stopping)
    {
        var order = new OrderRequest(Catalog[Random.Shared.Next(Catalog.Length)], Random.Shared.Next(1, 4));
        var key = Guid.NewGuid();
        var started = Stopwatch.GetTimestamp();
        var answer = await shop.PlaceOrderAsync(order, token, key, stopping);
        if (answer.WorthRetrying)
        {
            CheckoutStats.RecordRetry();
            await Task.Delay(RetryPause, stopping);
            answer = await shop.PlaceOrderAsync(order, token, key, stopping);
        }
        return (answer, Stopwatch.GetElapsedTime(started));
    }

    static void Fail(Activity? visit, Answer answer) => visit?.SetStatus(ActivityStatusCode.Error, $"checkout failed: {answer.Label}");

    async Task WriteSummariesAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(options.SummaryInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                WriteSummary(stats.TakeWindow());
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    void WriteSummary(CheckoutSummary s) =>
        LogSummary(logger, Math.Round(s.Window.TotalSeconds, 1), s.Tried, s.Succeeded, s.Failed, s.FailedByStatusText,
            s.P95Seconds is { } p95 ? Math.Round(p95, 3) : null, s.MaxSeconds is { } max ? Math.Round(max, 3) : null, s.TurnedAway);

    [LoggerMessage(EventId = 70, EventName = "CustomersStarted", Level = LogLevel.Information,
        Message = "Customers shopping at {Target}: {CheckoutsPerSecond} checkouts per second, {SignedInShare} of them signed in, {Duration}")]
    static partial void LogStarted(ILogger logger, string target, double checkoutsPerSecond, double signedInShare, string duration);

    [LoggerMessage(EventId = 71, EventName = "CustomersSummary", Level = LogLevel.Information,
        Message = "Last {WindowSeconds} s: {Tried} checkouts tried, {Succeeded} succeeded, {Failed} failed (by status: {FailedByStatus}); p95 {P95Seconds} s, max {MaxSeconds} s; {TurnedAway} customers turned away")]
    static partial void LogSummary(ILogger logger, double windowSeconds, int tried, int succeeded, int failed, string failedByStatus,
        double? p95Seconds, double? maxSeconds, int turnedAway);
}
