namespace CloudMart.Manifests.Tests.Support;

/// <summary>Paths in the repository the tests read, found (as the diagnosis finds them) from the test assembly's folder.</summary>
public static class Repo
{
    static readonly LabRepository Lab = LabRepository.Find(AppContext.BaseDirectory);

    public static string Root => Lab.Root;

    public static string LabDir => Lab.LabDir;

    public static string BrokenManifestsDir => Lab.BrokenManifestsDir;

    public static string SolutionManifestsDir => Lab.SolutionManifestsDir;

    public static string BuildScript => Lab.BuildScript;

    public static string GatewayNginxConf => Lab.GatewayNginxConf;

    public static string RetryFaultSource => Lab.RetryFaultSource;

    public static string RetryFixPatch => Lab.RetryFixPatch;

    public static string ServiceDir(string service) => Lab.ServiceDir(service);
}
