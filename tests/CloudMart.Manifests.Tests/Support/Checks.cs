using CloudMart.Diagnosis.Checks;

namespace CloudMart.Manifests.Tests.Support;

/// <summary>
/// The properties a healthy CloudMart deployment has, as checked by the diagnosis library (the one
/// implementation, shared with <c>cloudmart diagnose</c>), each seen as the list of one-line
/// summaries of its findings (empty when the property holds). The solution must have none; the
/// broken set must have exactly the ones its faults cause.
/// </summary>
public static class Checks
{
    public const long DotnetAppUid = ManifestChecks.DotnetAppUid;

    public const long NginxUid = ManifestChecks.NginxUid;

    public static BuiltImages Built => BuiltImages.FromScript(Repo.BuildScript);

    /// <summary>The names of the checks a diagnosis runs (<see cref="CheckNames"/>), in its order.</summary>
    public static IEnumerable<string> Names => ManifestChecks.All.Select(c => c.Name);

    public static IEnumerable<string> Inventory(ManifestSet set) => Named(CheckNames.Inventory, set);

    public static IEnumerable<string> Selectors(ManifestSet set) => Named(CheckNames.Selectors, set);

    public static IEnumerable<string> Probes(ManifestSet set) => Named(CheckNames.Probes, set);

    public static IEnumerable<string> DependencyUrls(ManifestSet set) => Named(CheckNames.Urls, set);

    public static IEnumerable<string> Variables(ManifestSet set) => Named(CheckNames.Variables, set);

    public static IEnumerable<string> Images(ManifestSet set) => Named(CheckNames.Images, set);

    public static IEnumerable<string> Memory(ManifestSet set) => Named(CheckNames.Memory, set);

    public static IEnumerable<string> Chaos(ManifestSet set) => Named(CheckNames.Chaos, set);

    public static IEnumerable<string> Hardening(ManifestSet set) => Named(CheckNames.Hardening, set);

    /// <summary>The one-line summaries of what the check called <paramref name="check"/> finds.</summary>
    public static IEnumerable<string> Named(string check, ManifestSet set) => Findings(check, set).Select(f => f.Summary);

    /// <summary>The findings themselves, with their fault numbers and locations.</summary>
    public static IReadOnlyList<Finding> Findings(string check, ManifestSet set) =>
        ManifestChecks.All.Single(c => c.Name == check).Run(set, Built).ToList();
}
