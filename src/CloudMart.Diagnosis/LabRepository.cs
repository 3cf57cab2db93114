namespace CloudMart.Diagnosis;

/// <summary>
/// A checkout of the CloudMart repository, found by walking up from a folder inside it to the
/// folder that holds the order-service's retry fault (the one fault that lives in code), so that
/// a diagnosis of a manifests folder can also read the code and the build script beside it.
/// </summary>
public sealed class LabRepository
{
    /// <summary>Where the services, their Dockerfiles and the build script live, from the root.</summary>
    public const string LabPath = "services/day-4/broken-production";

    /// <summary>The file whose <c>Shipped</c> constant is fault 7, from the root.</summary>
    public const string RetryFaultPath = LabPath + "/order-service/Faults/RetryFault.cs";

    public LabRepository(string root) => Root = Path.GetFullPath(root);

    public string Root { get; }

    public string LabDir => Path.Combine(Root, LabPath);

    public string BrokenManifestsDir => Path.Combine(Root, "k8s", "day-4", "broken-production");

    public string SolutionManifestsDir => Path.Combine(Root, "k8s", "day-4", "solution");

    public string BuildScript => Path.Combine(LabDir, "build-and-import.sh");

    public string GatewayNginxConf => Path.Combine(LabDir, "gateway", "nginx.conf");

    public string RetryFaultSource => Path.Combine(Root, RetryFaultPath);

    public string RetryFixPatch => Path.Combine(SolutionManifestsDir, "fault-7-retry-backoff.patch");

    public string ServiceDir(string service) => Path.Combine(LabDir, service);

    /// <summary>A path relative to the root, with forward slashes, for messages.</summary>
    public string Relative(string path) => Path.GetRelativePath(Root, path).Replace(Path.DirectorySeparatorChar, '/');

    /// <summary>The repository that contains <paramref name="start"/> (a file or folder), or null.</summary>
    public static LabRepository? FindAbove(string start)
    {
        var full = Path.GetFullPath(start);
        for (var dir = Directory.Exists(full) ? new DirectoryInfo(full) : new FileInfo(full).Directory; dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, RetryFaultPath)))
            {
                return new LabRepository(dir.FullName);
            }
        }
        return null;
    }

    /// <summary>Like <see cref="FindAbove"/>, for callers that cannot work without the repository.</summary>
    public static LabRepository Find(string start) =>
        FindAbove(start) ?? throw new DirectoryNotFoundException($"no CloudMart repository (a folder holding {RetryFaultPath}) at or above {start}");
}
