using System.Globalization;
using CloudMart.Incidents;

namespace CloudMart.Cli.Commands;

/// <summary>
/// The options that name an incident, shared by <c>lab new</c>, <c>lab answers</c> and
/// <c>diagnose --grade</c>: <c>--seed N</c> with <c>--faults K</c> (K faults drawn by the seed,
/// by default as many as the guide's incident has) or, for <c>lab new</c>, <c>--fault ID</c> one by one.
/// </summary>
public sealed class IncidentOptions
{
    public Option<long?> Seed { get; } = new("--seed")
    {
        Description = $"The incident's seed, a whole number from 0 to {SeedDraw.MaxSeed}: the same seed (and --faults) always draws the same faults",
        HelpName = "n",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seed) && seed <= SeedDraw.MaxSeed)
            {
                return seed;
            }
            result.AddError($"--seed must be a whole number from 0 to {SeedDraw.MaxSeed}, not '{text}'.");
            return null;
        },
    };

    public Option<int?> Count { get; } = OptionValues.Count("--faults", "How many faults the seed draws [default: as many as the guide's incident]", 1, 999);

    public Option<string[]> Fault { get; } = new("--fault")
    {
        Description = "A catalog fault to stage (repeatable): exactly these, instead of a seed's draw",
        HelpName = "id",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>The incident the options name (the catalog is read only when the command line parses), or null with <paramref name="problem"/> saying why.</summary>
    public static Incident? Resolve(IncidentCatalog catalog, long? seed, int? count, IReadOnlyList<string> faults, out string? problem)
    {
        problem = null;
        if (faults.Count > 0)
        {
            if (seed is not null || count is not null)
            {
                problem = $"give either --fault ({string.Join(", ", faults)}) or {(seed is not null ? $"--seed {seed}" : $"--faults {count}")}, not both";
                return null;
            }
            return Incident.FromIds(catalog, faults, out problem);
        }
        return seed is { } value ? Incident.FromSeed(catalog, value, count, out problem) : null;
    }

    /// <summary>The catalog of the repository the tool works on; null (with a message) outside one or when a fault folder is broken.</summary>
    public static IncidentCatalog? Catalog(string? repositoryRoot, out string? problem)
    {
        problem = null;
        if (repositoryRoot is null)
        {
            problem = "no CloudMart repository here, so no incident catalog: run cloudmart from inside the repository or set CLOUDMART_ROOT";
            return null;
        }
        try
        {
            return IncidentCatalog.For(new LabRepository(repositoryRoot));
        }
        catch (CatalogException ex)
        {
            problem = $"the incident catalog cannot be read: {ex.Message}";
            return null;
        }
    }
}
