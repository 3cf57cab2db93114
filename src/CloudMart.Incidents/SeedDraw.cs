namespace CloudMart.Incidents;

/// <summary>
/// How a seed picks an incident's faults, the same on every machine and .NET version: SplitMix64
/// (Steele, Lea and Flood 2014) seeded with the seed gives a stream of 64-bit numbers; the catalog's
/// ids in ascending order form a pool; each number, modulo the pool's size, picks an id and takes it
/// out of the pool; an id that excludes (or is excluded by) one already drawn is dropped; the draw
/// stops at K ids, which are returned in ascending order. The key therefore depends on the seed, K
/// and the catalog: a fault added later changes what a seed draws.
/// </summary>
public static class SeedDraw
{
    /// <summary>The largest seed <c>lab new</c> accepts and the range a seed is drawn from when none is given.</summary>
    public const long MaxSeed = 999_999_999;

    /// <exception cref="ArgumentException">The catalog has fewer than <paramref name="count"/> faults that this seed can draw together.</exception>
    public static IReadOnlyList<FaultEntry> Draw(IncidentCatalog catalog, long seed, int count)
    {
        var pool = catalog.Faults.OrderBy(f => f.Id).ToList();
        var drawn = new List<FaultEntry>();
        var random = new SplitMix64((ulong)seed);
        while (drawn.Count < count)
        {
            if (pool.Count == 0)
            {
                throw new ArgumentException($"seed {seed} draws only {drawn.Count} faults that can be combined, not {count}", nameof(count));
            }
            var index = (int)(random.Next() % (ulong)pool.Count);
            var pick = pool[index];
            pool.RemoveAt(index);
            if (!drawn.Any(d => d.ConflictsWith(pick)))
            {
                drawn.Add(pick);
            }
        }
        return [.. drawn.OrderBy(f => f.Id)];
    }

    /// <summary>The SplitMix64 generator, as published (constants of the reference implementation).</summary>
    public struct SplitMix64(ulong seed)
    {
        ulong _state = seed;

        public ulong Next()
        {
            _state += 0x9E3779B97F4A7C15UL;
            var z = _state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
