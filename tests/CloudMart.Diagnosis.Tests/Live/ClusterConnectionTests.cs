using System.Reflection;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CloudMart.Cluster;
using CloudMart.Diagnosis.Live;
using CloudMart.Catalog;
using k8s;

namespace CloudMart.Diagnosis.Tests.Live;

/// <summary>
/// How the one cluster connection finds its cluster: kubeconfig files merged as kubectl merges the
/// KUBECONFIG list, a context checked before anything is sent, and a pod's own service account.
/// </summary>
public sealed class ClusterConnectionTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("cloudmart-connection-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>A kubeconfig of one context whose cluster nothing listens on.</summary>
    string Elsewhere(string name, string context) => Write(name, $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: {context}
          cluster:
            server: http://127.0.0.1:9
        contexts:
        - name: {context}
          context:
            cluster: {context}
            user: {context}
        current-context: {context}
        users:
        - name: {context}
          user:
            token: not-this-one
        """);

    KubeconfigSources Sources(params string[] files) => new(string.Join(Path.PathSeparator, files), _folder);

    [Fact]
    public async Task A_context_in_the_second_file_of_KUBECONFIG_is_found_and_reaches_its_cluster()
    {
        await using var api = await FakeKubernetesApi.StartAsync(FakeCluster.FromFolder(LabCopy.Repository.BrokenManifestsDir, retryImmediately: true));
        var first = Elsewhere("first", "k3d-other");
        var second = api.WriteKubeconfig(Directory.CreateDirectory(Path.Combine(_folder, "second")).FullName, context: "lab");

        using var connection = ClusterConnection.Connect(null, "lab", Sources(first, Path.Combine(_folder, "missing"), second));
        var report = await ClusterDiagnosis.RunAsync(connection.Client, connection.Server, ServiceCatalog.Namespace, LabCopy.Repository.Root, Timeout());

        Assert.Equal(api.Url.TrimEnd('/'), connection.Server.TrimEnd('/'));
        Assert.Equal("lab", connection.Context);
        Assert.Equal(8, report.Findings.Count(f => f.Fault is not null));
    }

    [Fact]
    public void Without_a_context_the_current_context_of_the_first_file_that_sets_one_is_used()
    {
        var first = Elsewhere("first", "k3d-other");
        var second = Elsewhere("second", "k3d-second");

        using var connection = ClusterConnection.Connect(null, null, Sources(first, second));

        Assert.Equal("k3d-other", connection.Context);
        Assert.Equal("http://127.0.0.1:9 (context k3d-other)", connection.Name);
    }

    [Fact]
    public void A_context_no_file_has_is_an_access_error_listing_the_contexts_there_are()
    {
        var sources = Sources(Elsewhere("first", "k3d-other"), Elsewhere("second", "k3d-second"));

        var error = Assert.Throws<ClusterAccessException>(() => ClusterConnection.Connect(null, "k3d-brokenprod", sources));

        Assert.Equal("the kubeconfig has no context 'k3d-brokenprod'; it has: k3d-other, k3d-second", error.Message);
    }

    [Fact]
    public void With_no_kubeconfig_anywhere_and_no_service_account_the_error_says_where_it_looked()
    {
        var error = Assert.Throws<ClusterAccessException>(() => ClusterConnection.Connect(null, null, new KubeconfigSources(null, _folder)));

        Assert.StartsWith($"no kubeconfig found ({Path.Combine(_folder, ".kube", "config")}): pass --kubeconfig", error.Message, StringComparison.Ordinal);
    }
}

/// <summary>
/// Inside a pod: KUBERNETES_SERVICE_HOST and _PORT set and the service account's files present.
/// The variables belong to the whole process, so these tests run alone.
/// </summary>
[Collection(nameof(InClusterTests))]
[CollectionDefinition(nameof(InClusterTests), DisableParallelization = true)]
public sealed class InClusterTests : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("cloudmart-in-cluster-").FullName;

    // KubernetesClient reads the service account from /var/run/secrets/kubernetes.io/serviceaccount;
    // the path is an internal field kept for its own tests, and pointed at a temporary folder here.
    static readonly FieldInfo ServiceAccountPath = typeof(KubernetesClientConfiguration).GetField("ServiceAccountPath", BindingFlags.Static | BindingFlags.NonPublic)
        ?? throw new InvalidOperationException("KubernetesClient no longer has the ServiceAccountPath field this test sets");

    readonly object? _serviceAccountPath = ServiceAccountPath.GetValue(null);

    public InClusterTests()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=kubernetes", key, HashAlgorithmName.SHA256);
        using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(Path.Combine(_folder, "ca.crt"), ca.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_folder, "token"), "service-account-token");
        File.WriteAllText(Path.Combine(_folder, "namespace"), "production");
        ServiceAccountPath.SetValue(null, _folder);
        Environment.SetEnvironmentVariable("KUBERNETES_SERVICE_HOST", "10.43.0.1");
        Environment.SetEnvironmentVariable("KUBERNETES_SERVICE_PORT", "443");
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("KUBERNETES_SERVICE_HOST", null);
        Environment.SetEnvironmentVariable("KUBERNETES_SERVICE_PORT", null);
        ServiceAccountPath.SetValue(null, _serviceAccountPath);
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void Without_a_kubeconfig_the_pods_service_account_reaches_the_API_server_of_its_cluster()
    {
        using var connection = ClusterConnection.Connect(null, null, new KubeconfigSources(null, _folder));

        Assert.Equal("https://10.43.0.1:443/", connection.Server.TrimEnd('/') + "/");
        Assert.Null(connection.Context);
        Assert.Equal(connection.Server, connection.Name);
    }

    [Fact]
    public void A_context_needs_a_kubeconfig_even_inside_a_cluster()
    {
        var error = Assert.Throws<ClusterAccessException>(() => ClusterConnection.Connect(null, "k3d-brokenprod", new KubeconfigSources(null, _folder)));

        Assert.Contains("no kubeconfig found", error.Message, StringComparison.Ordinal);
        Assert.Contains("context 'k3d-brokenprod'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_kubeconfig_wins_over_the_service_account()
    {
        var kubeconfig = Path.Combine(_folder, "kubeconfig");
        File.WriteAllText(kubeconfig, """
            apiVersion: v1
            kind: Config
            clusters:
            - name: lab
              cluster:
                server: http://127.0.0.1:9
            contexts:
            - name: lab
              context:
                cluster: lab
                user: lab
            current-context: lab
            users:
            - name: lab
              user:
                token: t
            """);

        using var connection = ClusterConnection.Connect(null, null, new KubeconfigSources(kubeconfig, _folder));

        Assert.Equal("lab", connection.Context);
    }
}
