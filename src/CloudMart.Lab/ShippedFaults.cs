using CloudMart.Catalog;
using CloudMart.Diagnosis.Manifests;

namespace CloudMart.Lab;

/// <summary>
/// The broken values of the faults a local run can put back, read from the manifests the learner
/// applies (<c>k8s/day-4/broken-production/</c>), so a change there is what <c>up --fault</c> uses.
/// A null variable means the manifest leaves it unset.
/// </summary>
public sealed record ShippedFaults(string? DatabaseName, string? DatabaseUrl, string? ChaosFailureRate, int AuthMemoryMiB)
{
    /// <summary>Reads the values from the Deployments of <paramref name="folder"/>, or says in words why it cannot.</summary>
    /// <exception cref="LabStartException">The folder does not parse, misses a Deployment, or the auth-service has no memory limit.</exception>
    public static ShippedFaults Read(string folder)
    {
        try
        {
            var manifests = ManifestSet.Load(folder);
            var database = manifests.Container(ServiceCatalog.Database.Name);
            var order = manifests.Container(ServiceCatalog.Order.Name);
            var auth = manifests.Container(ServiceCatalog.Auth.Name);
            var memory = auth.MemoryLimitMiB() ?? throw new InvalidOperationException(
                $"{manifests.FileOf<k8s.Models.V1Deployment>(ServiceCatalog.Auth.Name)} gives the {ServiceCatalog.Auth.Name} no memory limit, which fault 6 is");
            return new ShippedFaults(database.EnvValue("DB_NAME"), order.EnvValue("DATABASE_URL"), database.EnvValue("CHAOS_FAILURE_RATE"), checked((int)memory));
        }
        catch (Exception ex) when (ex is ManifestLoadException or InvalidOperationException or OverflowException)
        {
            throw new LabStartException(LabFailure.FaultManifests, $"the shipped faults cannot be read from {folder}: {ex.Message}");
        }
    }
}
