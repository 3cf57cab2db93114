using System.Globalization;

namespace CloudMart.Verification.Load;

/// <summary>
/// What an order load does: how many <c>POST /api/orders</c> to send to which gateway, how fast,
/// and with how many in flight. The default is the guide's check: 20 orders, one at a time, a
/// second apart. Every run is bounded twice: by a number of orders and by a time.
/// </summary>
public sealed record LoadPlan
{
    /// <summary>The most orders one run may send, whatever else is asked.</summary>
    public const int MaxOrders = 1_000_000;

    public const int MaxConcurrency = 1_000;

    public const double MaxRate = 100_000;

    /// <summary>The longest one run may last, whatever else is asked.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromHours(1);

    public static readonly TimeSpan MaxInterval = TimeSpan.FromMinutes(10);

    public static readonly TimeSpan MaxRequestTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The guide's latency criterion: every order must take less than this.</summary>
    public static readonly TimeSpan LatencyLimit = TimeSpan.FromSeconds(2);

    public const int DefaultOrders = 20;

    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(1);

    /// <summary>The gateway's base address; orders go to <c>{BaseUrl}/api/orders</c>.</summary>
    public required Uri BaseUrl { get; init; }

    /// <summary>How many orders to send; null sends until <see cref="Duration"/> ends (at most <see cref="MaxOrders"/>).</summary>
    public int? Orders { get; init; } = DefaultOrders;

    /// <summary>The pause each sender takes after an order before its next one.</summary>
    public TimeSpan Interval { get; init; } = DefaultInterval;

    /// <summary>How many orders may be in flight at once (one sender each).</summary>
    public int Concurrency { get; init; } = 1;

    /// <summary>Orders per second across all senders, spread evenly; null for as fast as the senders go.</summary>
    public double? Rate { get; init; }

    /// <summary>How long to keep sending; null for until <see cref="Orders"/> are sent (at most <see cref="MaxDuration"/>).</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>How long one order may take before it counts as timed out.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public Uri OrdersUrl => new(BaseUrl.ToString().TrimEnd('/') + "/api/orders");

    /// <summary>The order count that bounds the run.</summary>
    public int OrderLimit => Orders ?? MaxOrders;

    /// <summary>The time that bounds the run.</summary>
    public TimeSpan TimeLimit => Duration ?? MaxDuration;

    /// <summary>True for the guide's kind of check: one order at a time, no rate, no duration.</summary>
    public bool IsPacedCheck => Concurrency == 1 && Rate is null && Duration is null;

    /// <summary>The first value that cannot work, named with the option that sets it, or null.</summary>
    public string? Problem()
    {
        if (!BaseUrl.IsAbsoluteUri || BaseUrl.Scheme is not ("http" or "https"))
        {
            return $"--url must be an http:// or https:// address, not '{BaseUrl}'";
        }
        if (Orders is { } orders && orders is < 1 or > MaxOrders)
        {
            return $"--orders must be from 1 to {MaxOrders}, not '{orders}'";
        }
        if (Interval < TimeSpan.Zero || Interval > MaxInterval)
        {
            return $"--interval must be from 0 to {MaxInterval.TotalMinutes:0} minutes, not '{Describe(Interval)}'";
        }
        if (Concurrency is < 1 or > MaxConcurrency)
        {
            return $"--concurrency must be from 1 to {MaxConcurrency}, not '{Concurrency}'";
        }
        if (Rate is { } rate && (!double.IsFinite(rate) || rate <= 0 || rate > MaxRate))
        {
            return $"--rate must be more than 0 and at most {MaxRate} orders per second, not '{rate.ToString(CultureInfo.InvariantCulture)}'";
        }
        if (Duration is { } duration && (duration <= TimeSpan.Zero || duration > MaxDuration))
        {
            return $"--duration must be more than 0 and at most {MaxDuration.TotalHours:0} hour, not '{Describe(duration)}'";
        }
        if (RequestTimeout <= TimeSpan.Zero || RequestTimeout > MaxRequestTimeout)
        {
            return $"--timeout must be more than 0 and at most {MaxRequestTimeout.TotalMinutes:0} minutes, not '{Describe(RequestTimeout)}'";
        }
        return null;
    }

    /// <summary>A duration as a person writes it: 250ms, 1s, 1.5s, 2m.</summary>
    public static string Describe(TimeSpan value) => value switch
    {
        _ when value == TimeSpan.Zero => "0",
        _ when value.TotalSeconds < 1 && value.TotalSeconds > -1 => $"{value.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)}ms",
        _ when value.TotalMinutes < 1 && value.TotalMinutes > -1 => $"{value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s",
        _ when value.TotalHours < 1 && value.TotalHours > -1 => $"{value.TotalMinutes.ToString("0.###", CultureInfo.InvariantCulture)}m",
        _ => $"{value.TotalHours.ToString("0.###", CultureInfo.InvariantCulture)}h",
    };
}
