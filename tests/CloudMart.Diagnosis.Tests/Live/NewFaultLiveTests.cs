using CloudMart.Diagnosis.Live;
using CloudMart.Incidents;
using k8s;

namespace CloudMart.Diagnosis.Tests.Live;

/// <summary>
/// <c>diagnose --cluster</c> on the stand-in cluster after applying an incident of one new fault:
/// the pods show what the kubelet would make of it (a readiness probe answered 404, a Secret that
/// is not there, a claim no class provisions, a command the image lacks), and the diagnosis finds
/// the fault, under the check and subject its fault.yaml declares, as the one error.
/// </summary>
public sealed class NewFaultLiveTests
{
    static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    /// <summary>
    /// Every new fault that shows on a cluster. Fault 14 (a NetworkPolicy) does not: the
    /// diagnosis reads no NetworkPolicies, and a plugin that does not enforce them (kubenet) shows nothing.
    /// </summary>
    public static TheoryData<int> LiveIds => [.. FaultFolders.New.Where(f => f.Check != CheckNames.Network).Select(f => f.Id)];

    /// <summary>The live diagnosis of the stand-in cluster after <c>kubectl apply -f</c> of the solution plus <paramref name="fault"/>.</summary>
    static async Task<DiagnosisReport> DiagnoseIncident(FaultEntry fault)
    {
        using var folder = new TempFolder();
        FaultFolders.Build(folder.Path, fault);
        await using var api = await FakeKubernetesApi.StartAsync(FakeCluster.FromFolder(folder.Path, retryImmediately: false));
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = api.Url, AccessToken = FakeKubernetesApi.Token });
        return await ClusterDiagnosis.RunAsync(client, api.Url, ServiceCatalog.Namespace, LabCopy.Repository.Root, Timeout());
    }

    [Theory]
    [MemberData(nameof(LiveIds))]
    public async Task Each_new_fault_on_a_cluster_is_the_one_error_of_the_live_diagnosis(int id)
    {
        var fault = FaultFolders.Get(id);

        var report = await DiagnoseIncident(fault);

        var errors = report.Findings.Where(f => f.Severity == Severity.Error).ToList();
        var finding = Assert.Single(errors);
        Assert.True((finding.FaultCheck ?? finding.Check, finding.Service, finding.Subject) == (fault.Check, fault.Component, fault.Subject),
            $"{fault.FolderName}: found {finding.FaultCheck ?? finding.Check}/{finding.Service}/{finding.Subject}: {finding.Summary}");
        Assert.Equal(fault.Id, finding.Fault);
        Assert.Equal(DiagnosisMode.Cluster, report.Mode);
    }

    [Fact]
    public async Task A_secret_that_is_not_there_is_read_from_the_pod_and_its_event()
    {
        var report = await DiagnoseIncident(FaultFolders.Get(11));

        var finding = Assert.Single(report.Findings, f => f.Severity == Severity.Error);
        Assert.Contains(finding.Evidence, e => e.Contains("CreateContainerConfigError: secret \"auth-service-jwt\" not found", StringComparison.Ordinal));
        Assert.Equal("spec.template.spec.containers[0].env[JWT_SIGNING_KEY].valueFrom", finding.Location.Field);
    }

    [Fact]
    public async Task A_claim_no_class_provisions_is_told_by_the_claims_own_event()
    {
        var report = await DiagnoseIncident(FaultFolders.Get(13));

        var finding = Assert.Single(report.Findings, f => f.Severity == Severity.Error);
        Assert.Equal("PersistentVolumeClaim/database-data", finding.Location.Resource);
        Assert.Contains(finding.Evidence, e => e.EndsWith($"event ProvisioningFailed: storageclass.storage.k8s.io \"{FaultFolders.Value(13)}\" not found", StringComparison.Ordinal));
    }
}
