using CloudMart.Cluster;
using CloudMart.Catalog;
using k8s;

namespace CloudMart.Diagnosis.Live;

/// <summary>
/// Diagnoses a running cluster: reads one namespace, applies the manifest checks to its live
/// Deployments and Services, and explains what its pods, endpoints, events and logs show.
/// </summary>
public static class ClusterDiagnosis
{
    /// <param name="repositoryHint">A folder inside the CloudMart repository, to find the build script's image list (else the catalog's).</param>
    /// <exception cref="ClusterAccessException">No usable kubeconfig, or the API server does not answer or refuses.</exception>
    public static async Task<DiagnosisReport> RunAsync(ClusterTarget target, string? repositoryHint, CancellationToken cancellationToken)
    {
        using var connection = target.Connect();
        return await RunAsync(connection.Client, connection.Server, target.Namespace ?? ServiceCatalog.Namespace, repositoryHint, cancellationToken);
    }

    public static async Task<DiagnosisReport> RunAsync(IKubernetes client, string server, string @namespace, string? repositoryHint, CancellationToken cancellationToken)
    {
        var snapshot = await new ClusterReader(new NamespaceReader(client, server, @namespace), server).ReadAsync(cancellationToken);
        var repository = repositoryHint is null ? null : LabRepository.FindAbove(repositoryHint);
        return LiveAnalysis.Analyze(snapshot, BuiltImages.For(repository));
    }
}
