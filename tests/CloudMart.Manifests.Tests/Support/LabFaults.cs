namespace CloudMart.Manifests.Tests.Support;

/// <summary>
/// One of the lab's eight deliberate faults, with the check whose violation it is. Fault 7 is in
/// code (order-service/Faults/RetryFault.cs), not in the manifests, so it has no manifest check.
/// </summary>
public sealed record LabFault(int Number, string Title, Func<ManifestSet, IEnumerable<string>>? Check, string ExpectedViolation);

public static class LabFaults
{
    public static IReadOnlyList<LabFault> All { get; } =
    [
        new(1, "database-service: DB_NAME not set", Checks.Variables,
            $"database-service does not set DB_NAME, which it requires ({CloudMart.Catalog.ServiceCatalog.Database.Variable("DB_NAME").Expected})"),
        new(2, "notification-service: image v2.0 that is never built", Checks.Images,
            "notification-service runs image notification-service:v2.0, which build-and-import.sh does not produce"),
        new(3, "order-service: DATABASE_URL names no Service", Checks.DependencyUrls,
            "order-service DATABASE_URL=http://database:8080: no Service called database in production"),
        new(4, "api-service: livenessProbe on port 8080", Checks.Probes,
            "api-service livenessProbe port 8080 is not the container port 3000"),
        new(5, "gateway: Service selector matches no pods", Checks.Selectors,
            "Service gateway selects no pods (selector app=nginx-gateway)"),
        new(6, "auth-service: memory limit below its need", Checks.Memory,
            "auth-service memory limit 64Mi is below its need of 80Mi"),
        new(7, "order-service: retries without backoff (code)", null, ""),
        new(8, "database-service: CHAOS_FAILURE_RATE=0.5", Checks.Chaos,
            "database-service CHAOS_FAILURE_RATE=0.5 fails store calls on purpose"),
    ];

    public static IEnumerable<LabFault> InManifests => All.Where(f => f.Check is not null);
}
