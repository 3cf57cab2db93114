using CloudMart.Incidents;

namespace CloudMart.Diagnosis.Tests;

/// <summary>
/// The incident catalog (k8s/day-4/faults/) as the tests use it, and incidents written from it by
/// the one generator the tools use (<see cref="IncidentGenerator"/>), so a finding's file is the
/// one the fault declares. That kustomize renders the same objects from the faults' Components is
/// tested once, in CloudMart.Manifests.Tests (GeneratedFolderTests).
/// </summary>
public static class FaultFolders
{
    public static IncidentCatalog Catalog => FaultValues.Catalog;

    /// <summary>The catalog's new faults: those broken-production does not ship (9 and up), in id order.</summary>
    public static IReadOnlyList<FaultEntry> New { get; } = [.. Catalog.Faults.Where(f => !f.Shipped)];

    public static FaultEntry Get(int id) => New.Single(f => f.Id == id);

    /// <inheritdoc cref="FaultValues.Of"/>
    public static string Value(int id) => FaultValues.Of(id);

    /// <summary>Writes the incident of <paramref name="faults"/> (the solution with their patches, the files they add) into <paramref name="target"/>.</summary>
    public static void Build(string target, params IEnumerable<FaultEntry> faults) =>
        IncidentGenerator.Write(target, IncidentGenerator.Generate(LabCopy.Repository, Catalog, faults));

    /// <summary>An incident of <paramref name="faults"/> in a fresh temporary folder outside any repository.</summary>
    public static TempFolder Write(params IEnumerable<FaultEntry> faults)
    {
        var folder = new TempFolder();
        Build(folder.Path, faults);
        return folder;
    }

    /// <summary>A throw-away repository copy whose manifests folder is the incident of <paramref name="faults"/>.</summary>
    public static LabCopy Incident(params IEnumerable<FaultEntry> faults)
    {
        var copy = LabCopy.Solution();
        foreach (var file in Directory.GetFiles(copy.Folder, "*.yaml"))
        {
            File.Delete(file);
        }
        Build(copy.Folder, faults);
        return copy;
    }
}
