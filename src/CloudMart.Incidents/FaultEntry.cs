using YamlDotNet.RepresentationModel;

namespace CloudMart.Incidents;

/// <summary>Where a fault lives: in the manifests (a kustomize Component) or in the services' code (a patch).</summary>
public enum FaultKind
{
    Manifest,
    Code,
}

/// <summary>What a learner sees of a fault on a cluster; each part null where it shows nothing.</summary>
/// <param name="Measured">"cluster" once measured on a real cluster, else "mechanism" (reasoned from how Kubernetes works).</param>
public sealed record FaultSignal(string? Pod, string? Event, string? Log, string? Metric, string Measured);

/// <summary>One RFC 6902 operation of a fault's patch: replace, add or remove at a JSON pointer path.</summary>
public sealed record PatchOperation(string Op, string Path, YamlNode? Value);

/// <summary>A fault's patch of one object of the solution, found by kind and name (namespace production implied).</summary>
public sealed record PatchTarget(string Kind, string Name, IReadOnlyList<PatchOperation> Operations);

/// <summary>
/// One entry of the incident catalog, read from <c>k8s/day-4/faults/NN-slug/fault.yaml</c> (and, for
/// a manifest fault, the kustomize Component beside it). The one declaration of a lab fault that the
/// diagnosis, the grade, the local run, the generator and the docs tests read.
/// </summary>
public sealed record FaultEntry
{
    public required int Id { get; init; }

    /// <summary>The folder's name without its number: <c>db-name-missing</c>.</summary>
    public required string Slug { get; init; }

    /// <summary>The folder holding fault.yaml, absolute.</summary>
    public required string Folder { get; init; }

    public required string Title { get; init; }

    /// <summary>The component of the service catalog it breaks.</summary>
    public required string Component { get; init; }

    public required FaultKind Kind { get; init; }

    /// <summary>The manifest file it changes (<c>06-database-service.yaml</c>); null for a code fault.</summary>
    public string? File { get; init; }

    /// <summary>True for the faults <c>k8s/day-4/broken-production/</c> ships (the guide's).</summary>
    public bool Shipped { get; init; }

    public required string Symptom { get; init; }

    public required string Cause { get; init; }

    public required string Impact { get; init; }

    /// <summary>The fix as the answer key prints it.</summary>
    public required string Fix { get; init; }

    public required FaultSignal Signal { get; init; }

    /// <summary>How <c>cloudmart up --fault N</c> shows it on this machine, or null when it has no local form.</summary>
    public string? Local { get; init; }

    /// <summary>The diagnose check whose finding is this fault.</summary>
    public required string Check { get; init; }

    /// <summary>The finding's subject (a variable, a probe field), or null when the check alone says enough.</summary>
    public string? Subject { get; init; }

    public IReadOnlyList<int> Excludes { get; init; } = [];

    /// <summary>A code fault's fix: a patch from the repository root (the shipped code carries the fault).</summary>
    public string? CodeFix { get; init; }

    /// <summary>The source file a code fault is in, from its fix patch (<c>+++ b/...</c>); null for a manifest fault.</summary>
    public string? CodeFile { get; init; }

    public IReadOnlyList<PatchTarget> Patches { get; init; } = [];

    /// <summary>Whole objects the fault adds: file names in its folder, written into the incident folder as they are.</summary>
    public IReadOnlyList<string> Resources { get; init; } = [];

    /// <summary>The broken value, when the fault's patch is one operation putting one value in place; else null.</summary>
    public string? BrokenValue =>
        Patches is [{ Operations: [{ Value: YamlScalarNode { Value: var value } }] }] ? value : null;

    /// <summary>The folder's name, <c>01-db-name-missing</c>.</summary>
    public string FolderName => System.IO.Path.GetFileName(Folder);

    /// <summary>
    /// True when the fault's file is one it adds (one of its <see cref="Resources"/>): the solution has
    /// no such file, so it is only in the incident folder and in the fault's own folder.
    /// </summary>
    public bool AddsFile => Kind == FaultKind.Manifest && File is not null && Resources.Contains(File);

    /// <summary>
    /// Where the fault is, for a listing: the manifest file of the incident folder (said to be the
    /// fault's own when it adds it), or the code file of a code fault.
    /// </summary>
    public string Where => Kind == FaultKind.Code ? CodeFile ?? CodeFix ?? "" : AddsFile ? $"{File} (added by the fault)" : File ?? "";

    /// <summary>
    /// The fix as the answer key gives it: <see cref="Fix"/>, and for a fault in a file it adds, that
    /// deleting what the file adds fixes it too, since the solution has none of it.
    /// </summary>
    public string KeyFix => AddsFile ? $"{Fix}; or delete what {File} adds (kubectl delete -f {File}): the solution has no such file" : Fix;

    /// <summary>True when this fault and <paramref name="other"/> cannot be staged together.</summary>
    public bool ConflictsWith(FaultEntry other) => Excludes.Contains(other.Id) || other.Excludes.Contains(Id);
}
