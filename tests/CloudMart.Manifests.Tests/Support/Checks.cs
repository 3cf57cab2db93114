using CloudMart.Diagnosis;
using CloudMart.Diagnosis.Checks;
using CloudMart.Diagnosis.Manifests;

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

    public static IEnumerable<string> Inventory(ManifestSet set) => Summaries(ManifestChecks.Inventory, set);

    public static IEnumerable<string> Selectors(ManifestSet set) => Summaries(ManifestChecks.Selectors, set);

    public static IEnumerable<string> Probes(ManifestSet set) => Summaries(ManifestChecks.Probes, set);

    public static IEnumerable<string> DependencyUrls(ManifestSet set) => Summaries(ManifestChecks.DependencyUrls, set);

    public static IEnumerable<string> Variables(ManifestSet set) => Summaries(ManifestChecks.Variables, set);

    public static IEnumerable<string> Images(ManifestSet set) => Summaries(ManifestChecks.Images, set);

    public static IEnumerable<string> Memory(ManifestSet set) => Summaries(ManifestChecks.Memory, set);

    public static IEnumerable<string> Chaos(ManifestSet set) => Summaries(ManifestChecks.Chaos, set);

    public static IEnumerable<string> Hardening(ManifestSet set) => Summaries(ManifestChecks.Hardening, set);

    /// <summary>The findings themselves, with their fault numbers and locations.</summary>
    public static IReadOnlyList<Finding> Findings(ManifestCheck check, ManifestSet set) => check(set, Built).ToList();

    static IEnumerable<string> Summaries(ManifestCheck check, ManifestSet set) => Findings(check, set).Select(f => f.Summary);
}
