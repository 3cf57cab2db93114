namespace CloudMart.DatabaseService;

/// <summary>
/// Fails a share of store calls on purpose, at the rate CHAOS_FAILURE_RATE sets (0 to 1, default 0).
/// The lab ships with 0.5 (fault 8); the fix is 0 or no variable at all.
/// </summary>
public sealed class ChaosInjector(double rate, Random? random = null)
{
    readonly Random _random = random ?? Random.Shared;

    public double Rate { get; } = rate;

    public bool ShouldFail() => Rate > 0 && _random.NextDouble() < Rate;
}
