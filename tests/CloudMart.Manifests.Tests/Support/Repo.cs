namespace CloudMart.Manifests.Tests.Support;

/// <summary>Paths in the repository the tests read, found from the test assembly's folder.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string LabDir => Path.Combine(Root, "services", "day-4", "broken-production");

    public static string BrokenManifestsDir => Path.Combine(Root, "k8s", "day-4", "broken-production");

    public static string SolutionManifestsDir => Path.Combine(Root, "k8s", "day-4", "solution");

    public static string BuildScript => Path.Combine(LabDir, "build-and-import.sh");

    public static string GatewayNginxConf => Path.Combine(LabDir, "gateway", "nginx.conf");

    public static string RetryFaultSource => Path.Combine(LabDir, "order-service", "Faults", "RetryFault.cs");

    public static string RetryFixPatch => Path.Combine(SolutionManifestsDir, "fault-7-retry-backoff.patch");

    public static string ServiceDir(string service) => Path.Combine(LabDir, service);

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CloudMart.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no CloudMart.slnx above {AppContext.BaseDirectory}");
    }
}
