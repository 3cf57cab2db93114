using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace CloudMart.DatabaseService;

/// <summary>
/// Fails a share of store calls on purpose, at the rate CHAOS_FAILURE_RATE sets (0 to 1, default 0).
/// The lab ships with 0.5 (fault 8); the fix is 0 or no variable at all.
/// </summary>
/// <remarks>
/// It behaves like a database with a damaged part: whether an order's write fails depends on the
/// order's id, so every attempt at the same order fails again (retries cannot hide it), while a
/// new order has a fresh chance. A failing write does not fail fast either: it waits
/// <see cref="FailureDelay"/>, as a write stuck behind a lock until the lock times out, and only
/// then answers 500. That is where the checkout latency of the broken lab comes from.
/// </remarks>
public sealed class ChaosInjector(double rate, TimeSpan? failureDelay = null)
{
    /// <summary>How long a failing write holds on before it gives up, as a lock wait would.</summary>
    public static readonly TimeSpan DefaultFailureDelay = TimeSpan.FromSeconds(3);

    // A key per process, so which ids fail is not the same after a restart.
    readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public double Rate { get; } = rate;

    public TimeSpan FailureDelay { get; } = failureDelay ?? DefaultFailureDelay;

    /// <summary>Whether writes of this order id fail: the same answer for every attempt at it.</summary>
    public bool ShouldFail(string orderId)
    {
        if (Rate <= 0)
        {
            return false;
        }
        Span<byte> hash = stackalloc byte[32];
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(orderId), hash);
        return (BinaryPrimitives.ReadUInt64LittleEndian(hash) >> 11) * (1.0 / (1UL << 53)) < Rate;
    }
}
