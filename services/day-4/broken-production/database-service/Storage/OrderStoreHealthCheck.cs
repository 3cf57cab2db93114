using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CloudMart.DatabaseService.Storage;

sealed class OrderStoreHealthCheck(OrderStore store) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(store.IsReachable() ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy($"cannot query {store.Path}"));
}
