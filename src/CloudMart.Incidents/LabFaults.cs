using CloudMart.Catalog;

namespace CloudMart.Incidents;

/// <summary>
/// A lab fault as the diagnosis and the grade see it: an entry of the incident catalog
/// (<c>k8s/day-4/faults/</c>), which declares it once. A problem is this fault when the check that
/// finds it, the component and the subject (a variable, a probe field) match; anything else the
/// checks find is some other problem. The symptom and impact say what a learner sees and what it
/// breaks; the findings add the exact cause and fix.
/// </summary>
/// <param name="Title">How the grade and the report name the fault.</param>
/// <param name="Where">The file the fault is in, from the repository root: in broken-production/ for a shipped fault, in solution/ for the others (the file its patch changes), the source file for a code fault.</param>
/// <param name="Fix">The fix as the answer key and the trainer's guide write it.</param>
/// <param name="Check">The check whose problem this fault is.</param>
/// <param name="Service">The component of the service catalog it breaks.</param>
/// <param name="Subject">The field or variable the problem must be about, or null when the check itself says enough.</param>
public sealed record LabFault(
    int Number, string Title, string Where, string Fix, string Check, string Service, string? Subject, string Symptom, string Impact)
{
    /// <summary>The catalog entry it is read from.</summary>
    public required FaultEntry Entry { get; init; }

    /// <summary>True when the fault is in the manifests (a kustomize Component), false for a code fault.</summary>
    public bool InManifests => Entry.Kind == FaultKind.Manifest;

    /// <summary>True for the faults k8s/day-4/broken-production/ ships (the guide's).</summary>
    public bool Shipped => Entry.Shipped;

    public bool Matches(string check, string? service, string? subject) =>
        check == Check && service == Service && (Subject is null || subject == Subject);

    internal static LabFault From(FaultEntry entry) => new(
        Number: entry.Id,
        Title: entry.Title,
        Where: entry.Kind == FaultKind.Code ? entry.CodeFile ?? entry.CodeFix!
            // A file the fault adds is in no folder of the lab but the fault's own.
            : entry.AddsFile ? $"{IncidentCatalog.FaultsPath}/{entry.FolderName}/{entry.File}"
            : $"k8s/day-4/{(entry.Shipped ? "broken-production" : "solution")}/{entry.File}",
        Fix: entry.Fix,
        Check: entry.Check,
        Service: entry.Component,
        Subject: entry.Subject,
        Symptom: entry.Symptom,
        Impact: entry.Impact)
    {
        Entry = entry,
    };
}

public static class LabFaults
{
    /// <summary>The subject of a Service selector problem (as opposed to a Deployment's own selector).</summary>
    public const string ServiceSelector = "service-selector";

    /// <summary>The subject of a liveness probe that asks the wrong port.</summary>
    public const string LivenessPort = "livenessProbe.port";

    static readonly Lazy<IReadOnlyList<LabFault>> Loaded = new(() => [.. IncidentCatalog.Current.Faults.Select(LabFault.From)]);

    /// <summary>Every fault of the catalog, in id order.</summary>
    public static IReadOnlyList<LabFault> All => Loaded.Value;

    /// <summary>The faults k8s/day-4/broken-production/ ships: what <c>diagnose --grade</c> grades without a seed.</summary>
    public static IReadOnlyList<LabFault> Shipped => [.. All.Where(f => f.Shipped)];

    public static LabFault Get(int number) => All.Single(f => f.Number == number);

    /// <summary>The lab fault a problem is, or null when it is another problem.</summary>
    public static LabFault? Match(string check, string? service, string? subject) =>
        All.FirstOrDefault(f => f.Matches(check, service, subject));
}
