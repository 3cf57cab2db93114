using CloudMart.Catalog;
using CloudMart.Manifests;
using CloudMart.Incidents;

namespace CloudMart.Lab;

/// <summary>
/// The broken values of the faults a local run puts back: for a shipped fault, read from the
/// manifests the learner applies (<c>k8s/day-4/broken-production/</c>), so a change there is what
/// <c>up --fault</c> uses; for another catalog fault, from the solution with that fault's patch
/// applied. Each value is the one the fault's diagnose subject names (a variable of its component,
/// or the component's memory limit). A null variable means the manifest leaves it unset.
/// </summary>
public sealed record ShippedFaults(
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string?>> Variables, IReadOnlyDictionary<string, int> MemoryLimitsMiB)
{
    /// <summary>The value a fault puts into a service's variable; null when the manifest leaves it unset.</summary>
    public string? Variable(string service, string name) => Variables[service][name];

    /// <summary>Reads the values of every shipped fault a local run can reproduce from <paramref name="folder"/>.</summary>
    /// <exception cref="LabStartException">The folder does not parse, misses a Deployment, or a memory fault's component has no memory limit.</exception>
    public static ShippedFaults Read(string folder) => Read(folder, LabFaultSelection.LocalFaults.Where(f => f.Shipped));

    /// <summary>Reads the values of <paramref name="faults"/>: the shipped ones from <paramref name="brokenFolder"/>, the others from their generated incident.</summary>
    public static ShippedFaults Read(string brokenFolder, IEnumerable<LabFault> faults)
    {
        var variables = new Dictionary<string, Dictionary<string, string?>>();
        var memory = new Dictionary<string, int>();
        foreach (var fault in faults)
        {
            var folder = fault.Shipped ? brokenFolder : null;
            try
            {
                folder ??= GenerateAlone(fault);
                var manifests = ManifestSet.Load(folder);
                var container = manifests.Container(fault.Service);
                switch (LabFaultSelection.EffectOf(fault))
                {
                    case LocalFaultEffect.Variable:
                        if (!variables.TryGetValue(fault.Service, out var values))
                        {
                            variables[fault.Service] = values = [];
                        }
                        values[fault.Subject!] = container.EnvValue(fault.Subject!);
                        break;
                    case LocalFaultEffect.MemoryLimit:
                        var limit = container.MemoryLimitMiB() ?? throw new InvalidOperationException(
                            $"{manifests.FileOf<k8s.Models.V1Deployment>(fault.Service)} gives the {fault.Service} no memory limit, which fault {fault.Number} is");
                        memory[fault.Service] = checked((int)limit);
                        break;
                    default:
                        break;
                }
            }
            catch (Exception ex) when (ex is ManifestLoadException or InvalidOperationException or OverflowException or PatchException)
            {
                throw new LabStartException(LabFailure.FaultManifests, $"the shipped faults cannot be read from {folder ?? "the catalog"}: {ex.Message}");
            }
            finally
            {
                if (!fault.Shipped && folder is not null && folder.StartsWith(Path.GetTempPath(), StringComparison.Ordinal))
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
        }
        return new ShippedFaults(
            variables.ToDictionary(v => v.Key, v => (IReadOnlyDictionary<string, string?>)v.Value),
            memory);
    }

    /// <summary>The solution with this one fault applied, in a temporary folder the caller deletes.</summary>
    static string GenerateAlone(LabFault fault)
    {
        var repository = LabRepository.LocateRequired(AppContext.BaseDirectory);
        var catalog = IncidentCatalog.For(repository);
        var folder = Directory.CreateTempSubdirectory("cloudmart-fault-").FullName;
        IncidentGenerator.Write(folder, IncidentGenerator.Generate(repository, catalog, [catalog.Get(fault.Number)]));
        return folder;
    }
}
