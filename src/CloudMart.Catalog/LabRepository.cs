namespace CloudMart.Catalog;

/// <summary>
/// A checkout of the CloudMart repository and where the lab's parts are in it. The one way every
/// tool finds it: CLOUDMART_ROOT when set, else the nearest folder at or above a starting point that
/// holds the order-service's retry fault (the one fault that lives in code), so that a minimal copy
/// of the repository (a manifests folder beside that file) counts too.
/// </summary>
public sealed class LabRepository
{
    /// <summary>Where the services, their Dockerfiles and the build script live, from the root.</summary>
    public const string LabPath = "services/day-4/broken-production";

    /// <summary>The file whose <c>Shipped</c> constant is fault 7, from the root.</summary>
    public const string RetryFaultPath = LabPath + "/order-service/Faults/RetryFault.cs";

    /// <summary>The variable that names the repository, for a tool run from outside it.</summary>
    public const string RootVariable = "CLOUDMART_ROOT";

    public LabRepository(string root) => Root = Path.GetFullPath(root);

    public string Root { get; }

    public string LabDir => Path.Combine(Root, LabPath);

    public string BrokenManifestsDir => Path.Combine(Root, "k8s", "day-4", "broken-production");

    public string SolutionManifestsDir => Path.Combine(Root, "k8s", "day-4", "solution");

    public string BuildScript => Path.Combine(LabDir, "build-and-import.sh");

    public string GatewayNginxConf => Path.Combine(ServiceDir(ServiceNames.Gateway), "nginx.conf");

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
        FindAbove(start) ?? throw new DirectoryNotFoundException(
            $"no CloudMart repository (a folder holding {RetryFaultPath}) at or above {start}: run cloudmart from inside the CloudMart repository or set {RootVariable}");

    /// <summary>The repository a tool works on: <see cref="RootVariable"/> when set, else the one around <paramref name="start"/>, or null.</summary>
    public static LabRepository? Locate(string start) =>
        Environment.GetEnvironmentVariable(RootVariable) is { Length: > 0 } root ? new LabRepository(root) : FindAbove(start);

    /// <summary>Like <see cref="Locate"/>, for callers that cannot work without the repository.</summary>
    public static LabRepository LocateRequired(string start) =>
        Environment.GetEnvironmentVariable(RootVariable) is { Length: > 0 } root ? new LabRepository(root) : Find(start);
}
