using System.Security.Cryptography;

namespace CloudMart.Incidents;

/// <summary>
/// One incident: the faults it stages, drawn by a seed or named one by one. A seeded incident is
/// replayable from its seed and size alone (<see cref="SeedDraw"/>); the answer key is its faults.
/// </summary>
public sealed record Incident(long? Seed, IReadOnlyList<FaultEntry> Faults)
{
    /// <summary>How many faults a seed draws when not told: as many as the guide's incident has.</summary>
    public static int DefaultCount(IncidentCatalog catalog) => catalog.Shipped.Count;

    /// <summary>A seed for <c>lab new</c> without one, from 0 to <see cref="SeedDraw.MaxSeed"/>.</summary>
    public static long NewSeed() => RandomNumberGenerator.GetInt32(0, int.MaxValue) % (SeedDraw.MaxSeed + 1);

    /// <summary>The incident a seed draws, or why it cannot (a message naming the value).</summary>
    public static Incident? FromSeed(IncidentCatalog catalog, long seed, int? count, out string? problem)
    {
        var k = count ?? DefaultCount(catalog);
        problem = null;
        if (k > catalog.Faults.Count)
        {
            problem = $"--faults '{k}' is more than the {catalog.Faults.Count} faults of the catalog";
            return null;
        }
        try
        {
            return new Incident(seed, SeedDraw.Draw(catalog, seed, k));
        }
        catch (ArgumentException ex)
        {
            problem = $"--seed {seed} with --faults {k}: {ex.Message.Split(" (Parameter", 2)[0]}";
            return null;
        }
    }

    /// <summary>The incident of exactly these fault ids, or why it cannot be (a message naming the value).</summary>
    public static Incident? FromIds(IncidentCatalog catalog, IEnumerable<string> ids, out string? problem)
    {
        problem = null;
        var faults = new List<FaultEntry>();
        foreach (var text in ids)
        {
            if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) || catalog.Find(id) is not { } fault)
            {
                problem = $"--fault '{text}' is not a fault of the catalog (ids {catalog.Faults[0].Id} to {catalog.Faults[^1].Id}; cloudmart lab faults lists them)";
                return null;
            }
            if (faults.Contains(fault))
            {
                continue;
            }
            if (faults.FirstOrDefault(f => f.ConflictsWith(fault)) is { } other)
            {
                problem = $"--fault {other.Id} and --fault {fault.Id} exclude each other (they change the same field)";
                return null;
            }
            faults.Add(fault);
        }
        return new Incident(null, [.. faults.OrderBy(f => f.Id)]);
    }
}
