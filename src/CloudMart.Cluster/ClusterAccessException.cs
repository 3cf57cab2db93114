using System.Net;

namespace CloudMart.Cluster;

/// <summary>
/// The cluster could not be used: no usable kubeconfig, an unknown context, an API server that does
/// not answer, or one that refuses a request.
/// </summary>
public sealed class ClusterAccessException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The API server's HTTP status when it answered with an error; null when it did not answer.</summary>
    public HttpStatusCode? Status { get; init; }

    /// <summary>What went wrong in a few words, without the request (for example "403 Forbidden: pods is forbidden ...").</summary>
    public string Detail { get; init; } = message;
}
