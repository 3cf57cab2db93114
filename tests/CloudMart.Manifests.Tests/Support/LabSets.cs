namespace CloudMart.Manifests.Tests.Support;

/// <summary>The two manifest folders of the lab, each parsed once.</summary>
public static class LabSets
{
    public static ManifestSet Broken { get; } = ManifestSet.Load(Repo.BrokenManifestsDir);

    public static ManifestSet Solution { get; } = ManifestSet.Load(Repo.SolutionManifestsDir);

    public static ManifestSet Named(string folder) => folder switch
    {
        "broken-production" => Broken,
        "solution" => Solution,
        _ => throw new ArgumentException($"no manifests folder {folder}", nameof(folder)),
    };
}
