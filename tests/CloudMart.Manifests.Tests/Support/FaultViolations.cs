namespace CloudMart.Manifests.Tests.Support;

/// <summary>
/// What the check of each shipped manifest fault (the catalog's <c>LabFault.Check</c>) reports about
/// k8s/day-4/broken-production, word for word, with the broken value taken from the fault's patch
/// in the catalog. Fault 7 is in code, so no manifest check reports it.
/// </summary>
public static class FaultViolations
{
    /// <summary>The value fault <paramref name="id"/>'s patch puts in place.</summary>
    public static string Broken(int id) => LabFaults.Get(id).Entry.BrokenValue ?? throw new InvalidOperationException($"fault {id} puts no single value in place");

    public static IReadOnlyDictionary<int, string> ByFault { get; } = new Dictionary<int, string>
    {
        [1] = $"database-service does not set DB_NAME, which it requires ({CloudMart.Catalog.ServiceCatalog.Database.Variable("DB_NAME").Expected})",
        [2] = $"notification-service runs image {Broken(2)}, which build-and-import.sh does not produce",
        [3] = $"order-service DATABASE_URL={Broken(3)}: no Service called {new Uri(Broken(3)).Host} in production",
        [4] = $"api-service livenessProbe port {Broken(4)} is not the container port {CloudMart.Catalog.ServiceCatalog.Api.ContainerPort}",
        [5] = $"Service gateway selects no pods (selector app={Broken(5)})",
        [6] = $"auth-service memory limit {Broken(6)} is below its need of {CloudMart.Catalog.ServiceCatalog.Auth.MemoryNeedMiB}Mi",
        [8] = $"database-service CHAOS_FAILURE_RATE={Broken(8)} fails store calls on purpose",
    };
}
