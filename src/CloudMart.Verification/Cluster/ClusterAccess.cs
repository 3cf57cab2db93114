using k8s;
using k8s.Exceptions;

namespace CloudMart.Verification.Cluster;

/// <summary>Why the cluster cannot be used: no kubeconfig, an unknown context, an unreachable API server.</summary>
public sealed class ClusterAccessException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A client for the cluster a kubeconfig names, found the way kubectl finds it.</summary>
public sealed record ClusterAccess(IKubernetes Client, string Server, string? Context)
{
    /// <summary>
    /// Connects with <paramref name="kubeconfig"/>, else the files KUBECONFIG lists, else
    /// <c>~/.kube/config</c>; in <paramref name="context"/>, else the kubeconfig's current context.
    /// Nothing is sent to the cluster yet.
    /// </summary>
    public static ClusterAccess Connect(string? kubeconfig, string? context)
    {
        var files = KubeconfigFiles(kubeconfig);
        var missing = files.Where(f => !File.Exists(f)).ToList();
        if (missing.Count == files.Count)
        {
            throw new ClusterAccessException(kubeconfig is not null
                ? $"the kubeconfig {kubeconfig} does not exist"
                : $"no kubeconfig found ({string.Join(", ", files)}): pass --kubeconfig, set KUBECONFIG, or create the cluster first (k3d cluster create ... writes ~/.kube/config)");
        }
        try
        {
            // Of several KUBECONFIG files, the first that exists is used (kubectl would merge them).
            var merged = KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(files.First(File.Exists)), useRelativePaths: true);
            if (context is not null && merged.Contexts?.Any(c => c.Name == context) != true)
            {
                var known = merged.Contexts?.Select(c => c.Name).ToList() ?? [];
                throw new ClusterAccessException($"the kubeconfig has no context '{context}'" + (known.Count > 0 ? $"; it has: {string.Join(", ", known)}" : ""));
            }
            var configuration = KubernetesClientConfiguration.BuildConfigFromConfigObject(merged, context);
            configuration.HttpClientTimeout = TimeSpan.FromSeconds(20);
            return new ClusterAccess(new Kubernetes(configuration), configuration.Host, context ?? configuration.CurrentContext);
        }
        catch (KubeConfigException ex)
        {
            throw new ClusterAccessException($"the kubeconfig cannot be used: {ex.Message}", ex);
        }
    }

    static List<string> KubeconfigFiles(string? kubeconfig)
    {
        if (kubeconfig is not null)
        {
            return [Path.GetFullPath(kubeconfig)];
        }
        if (Environment.GetEnvironmentVariable("KUBECONFIG") is { Length: > 0 } list)
        {
            return list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Select(Path.GetFullPath).ToList();
        }
        return [Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config")];
    }
}
