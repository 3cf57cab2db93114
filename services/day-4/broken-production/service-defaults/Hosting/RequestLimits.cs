using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace CloudMart.ServiceDefaults.Hosting;

/// <summary>
/// Kestrel's limits on a request's head, set on purpose rather than left at their defaults.
/// Kestrel answers a request past them itself, before any middleware runs, with an empty body,
/// and ASP.NET Core offers no supported way to give that answer a problem+json body. So each
/// limit sits above what the gateway (gateway/nginx.conf) lets through: the gateway refuses an
/// oversized request first, with its own problem+json, and Kestrel's empty answers are left for
/// a caller that bypasses the gateway.
/// </summary>
public static class RequestLimits
{
    /// <summary>The request line; nginx's longest is one of its 4 KiB <c>large_client_header_buffers</c>.</summary>
    public const int MaxRequestLineBytes = 8 * 1024;

    /// <summary>All the headers; nginx holds at most 4 buffers of 4 KiB of them.</summary>
    public const int MaxHeadersTotalBytes = 32 * 1024;

    /// <summary>
    /// High enough that the total size binds first: no header line is shorter than 4 bytes
    /// ("a:b" and its line end), so 32 KiB holds at most 8192 of them. Kestrel's default of 100
    /// would refuse, with an empty 431, many short headers the gateway passes on.
    /// </summary>
    public const int MaxHeaderCount = MaxHeadersTotalBytes / 4;

    /// <summary>How long a client may take to send the headers: above the gateway's 10 s <c>client_header_timeout</c>, below Kestrel's 30 s.</summary>
    public static readonly TimeSpan HeadersTimeout = TimeSpan.FromSeconds(15);

    public static void Apply(KestrelServerLimits limits)
    {
        limits.MaxRequestLineSize = MaxRequestLineBytes;
        limits.MaxRequestHeadersTotalSize = MaxHeadersTotalBytes;
        limits.MaxRequestHeaderCount = MaxHeaderCount;
        limits.RequestHeadersTimeout = HeadersTimeout;
    }
}
