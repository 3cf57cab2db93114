namespace CloudMart.Manifests.Tests.Support;

/// <summary>
/// What the check of each manifest fault (the catalog's <c>LabFault.Check</c>) reports about
/// k8s/day-4/broken-production, word for word. Fault 7 is in code, so no manifest check reports it.
/// </summary>
public static class FaultViolations
{
    public static IReadOnlyDictionary<int, string> ByFault { get; } = new Dictionary<int, string>
    {
        [1] = $"database-service does not set DB_NAME, which it requires ({CloudMart.Catalog.ServiceCatalog.Database.Variable("DB_NAME").Expected})",
        [2] = "notification-service runs image notification-service:v2.0, which build-and-import.sh does not produce",
        [3] = "order-service DATABASE_URL=http://database:8080: no Service called database in production",
        [4] = "api-service livenessProbe port 8080 is not the container port 3000",
        [5] = "Service gateway selects no pods (selector app=nginx-gateway)",
        [6] = "auth-service memory limit 64Mi is below its need of 80Mi",
        [8] = "database-service CHAOS_FAILURE_RATE=0.5 fails store calls on purpose",
    };
}
