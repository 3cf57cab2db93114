namespace CloudMart.Cluster;

/// <summary>
/// The cluster and namespace a verb was pointed at: a kubeconfig file and a context (kubectl's
/// defaults when null) and a namespace (the verb's default when null).
/// </summary>
public sealed record ClusterTarget(string? Kubeconfig = null, string? Context = null, string? Namespace = null)
{
    /// <exception cref="ClusterAccessException">No usable kubeconfig, or no such context.</exception>
    public ClusterConnection Connect(KubeconfigSources? sources = null) => ClusterConnection.Connect(Kubeconfig, Context, sources);
}
