using k8s;
using k8s.Exceptions;
using k8s.KubeConfigModels;

namespace CloudMart.Cluster;

/// <summary>Where the kubeconfig files are looked for: the KUBECONFIG variable and the home folder. Tests give their own.</summary>
public sealed record KubeconfigSources(string? KubeconfigVariable, string HomeFolder)
{
    public static KubeconfigSources FromMachine() => new(
        Environment.GetEnvironmentVariable("KUBECONFIG"),
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    /// <summary>The files kubectl would read, in its order: each entry of KUBECONFIG, else <c>~/.kube/config</c>.</summary>
    public IReadOnlyList<string> Files() => KubeconfigVariable is { Length: > 0 } list
        ? list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Select(Path.GetFullPath).ToList()
        : [Path.Combine(HomeFolder, ".kube", "config")];
}

/// <summary>
/// A client for one cluster, found the way kubectl finds it: the kubeconfig given, else the files
/// KUBECONFIG lists (merged), else <c>~/.kube/config</c>, else the pod's own service account when
/// running inside a cluster. Connecting sends nothing to the API server.
/// </summary>
public sealed class ClusterConnection : IDisposable
{
    /// <summary>How long one request to the API server may take.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(20);

    ClusterConnection(KubernetesClientConfiguration configuration, string? context)
    {
        configuration.HttpClientTimeout = RequestTimeout;
        Client = new Kubernetes(configuration);
        Server = configuration.Host;
        Context = context;
    }

    public IKubernetes Client { get; }

    /// <summary>The API server's address.</summary>
    public string Server { get; }

    /// <summary>The kubeconfig context in use; null inside a cluster.</summary>
    public string? Context { get; }

    /// <summary>The cluster as a report names it: the API server, and the context when there is one.</summary>
    public string Name => Context is { } context ? $"{Server} (context {context})" : Server;

    /// <summary>Connects with <paramref name="kubeconfig"/> (or the default sources) in <paramref name="context"/> (or the current one).</summary>
    /// <exception cref="ClusterAccessException">No kubeconfig and no in-cluster service account, an unreadable kubeconfig, or no such context.</exception>
    public static ClusterConnection Connect(string? kubeconfig, string? context, KubeconfigSources? sources = null)
    {
        IReadOnlyList<string> files = kubeconfig is not null ? [kubeconfig] : (sources ?? KubeconfigSources.FromMachine()).Files();
        var existing = files.Where(File.Exists).ToArray();
        if (existing.Length == 0)
        {
            if (kubeconfig is not null)
            {
                throw new ClusterAccessException($"the kubeconfig {kubeconfig} does not exist");
            }
            if (context is null && KubernetesClientConfiguration.IsInCluster())
            {
                return InCluster();
            }
            throw new ClusterAccessException($"no kubeconfig found ({string.Join(", ", files)})"
                + (context is null ? "" : $" to look up context '{context}' in")
                + ": pass --kubeconfig, set KUBECONFIG, or create the cluster first (k3d cluster create ... writes ~/.kube/config)");
        }
        try
        {
            var merged = Merge(existing.Select(f => KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(f), useRelativePaths: true)));
            CheckContext(merged, context);
            var configuration = KubernetesClientConfiguration.BuildConfigFromConfigObject(merged, context);
            return new ClusterConnection(configuration, context ?? configuration.CurrentContext);
        }
        catch (Exception ex) when (ex is KubeConfigException or IOException or UnauthorizedAccessException or YamlDotNet.Core.YamlException)
        {
            throw new ClusterAccessException($"the kubeconfig cannot be used ({string.Join(", ", existing)}): {ex.Message}", ex);
        }
    }

    /// <summary>A client on a configuration built elsewhere (tests, or a caller with its own credentials).</summary>
    public static ClusterConnection From(KubernetesClientConfiguration configuration, string? context = null) => new(configuration, context);

    static ClusterConnection InCluster()
    {
        try
        {
            return new ClusterConnection(KubernetesClientConfiguration.InClusterConfig(), context: null);
        }
        catch (Exception ex) when (ex is KubeConfigException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new ClusterAccessException($"running in a cluster, but its service account cannot be used: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Several kubeconfig files as kubectl merges them: an entry of a name already seen, and a
    /// current context already set, keep the first file's value.
    /// </summary>
    // Not KubernetesClient's: its LoadKubeConfig(FileInfo[], bool) merges first-wins too, but is internal in 21.0.8 (KubernetesClientConfiguration.ConfigFile.cs), reached only through BuildDefaultConfig(), which takes no context.
    static K8SConfiguration Merge(IEnumerable<K8SConfiguration> files)
    {
        K8SConfiguration? merged = null;
        foreach (var file in files)
        {
            if (merged is null)
            {
                merged = file;
                continue;
            }
            merged.CurrentContext = string.IsNullOrEmpty(merged.CurrentContext) ? file.CurrentContext : merged.CurrentContext;
            merged.Clusters = [.. merged.Clusters ?? [], .. (file.Clusters ?? []).Where(c => merged.Clusters?.Any(m => m.Name == c.Name) != true)];
            merged.Users = [.. merged.Users ?? [], .. (file.Users ?? []).Where(u => merged.Users?.Any(m => m.Name == u.Name) != true)];
            merged.Contexts = [.. merged.Contexts ?? [], .. (file.Contexts ?? []).Where(c => merged.Contexts?.Any(m => m.Name == c.Name) != true)];
        }
        return merged!;
    }

    static void CheckContext(K8SConfiguration merged, string? context)
    {
        if (context is not null && merged.Contexts?.Any(c => c.Name == context) != true)
        {
            var known = merged.Contexts?.Select(c => c.Name).ToList() ?? [];
            throw new ClusterAccessException($"the kubeconfig has no context '{context}'" + (known.Count > 0 ? $"; it has: {string.Join(", ", known)}" : ""));
        }
    }

    public void Dispose() => (Client as IDisposable)?.Dispose();
}
