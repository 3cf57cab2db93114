using System.Globalization;
using k8s.Models;

namespace CloudMart.Manifests;

/// <summary>Shortcuts on the typed models.</summary>
public static class ModelExtensions
{
    public static V1EnvVar? Env(this V1Container container, string name) =>
        container.Env?.FirstOrDefault(e => e.Name == name);

    public static string? EnvValue(this V1Container container, string name) => container.Env(name)?.Value;

    /// <summary>The memory limit in MiB, or null when the container has none.</summary>
    public static long? MemoryLimitMiB(this V1Container container) =>
        container.Resources?.Limits?.TryGetValue("memory", out var limit) == true ? limit.ToInt64() / (1024 * 1024) : null;

    /// <summary>The memory request in MiB, or null when the container has none.</summary>
    public static long? MemoryRequestMiB(this V1Container container) =>
        container.Resources?.Requests?.TryGetValue("memory", out var request) == true ? request.ToInt64() / (1024 * 1024) : null;

    /// <summary>The CPU limit in millicores (rounded up), or null when the container has none.</summary>
    public static long? CpuLimitMillicores(this V1Container container) =>
        container.Resources?.Limits?.TryGetValue("cpu", out var limit) == true ? Millicores(limit) : null;

    /// <summary>The CPU request in millicores (rounded up), or null when the container has none.</summary>
    public static long? CpuRequestMillicores(this V1Container container) =>
        container.Resources?.Requests?.TryGetValue("cpu", out var request) == true ? Millicores(request) : null;

    static long Millicores(ResourceQuantity quantity) => (long)Math.Ceiling(quantity.ToDecimal() * 1000);

    /// <summary>A probe's HTTP port as a number, or -1 when it is a port name or absent (see the overload that resolves names).</summary>
    public static int HttpPort(this V1Probe probe) =>
        int.TryParse(probe.HttpGet?.Port?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : -1;

    /// <summary>A probe's HTTP port, a name (such as <c>http</c>) looked up among the container's declared ports; -1 when absent or undeclared.</summary>
    public static int HttpPort(this V1Probe probe, V1Container container) => container.PortNumber(probe.HttpGet?.Port?.Value);

    /// <summary>
    /// The port a number-or-name field means for this container: the number itself, or the
    /// containerPort declared under that name, as the kubelet and the endpoints controller resolve
    /// it; -1 when the field is empty or names no declared port.
    /// </summary>
    public static int PortNumber(this V1Container container, string? numberOrName)
    {
        if (string.IsNullOrEmpty(numberOrName))
        {
            return -1;
        }
        if (int.TryParse(numberOrName, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return port;
        }
        return container.Ports?.FirstOrDefault(p => p.Name == numberOrName)?.ContainerPort ?? -1;
    }

    /// <summary>
    /// The pull policy the API server gives the container: the one written, or Always for an image
    /// tagged :latest or not tagged, IfNotPresent for any other tag.
    /// </summary>
    public static string EffectivePullPolicy(this V1Container container)
    {
        if (!string.IsNullOrEmpty(container.ImagePullPolicy))
        {
            return container.ImagePullPolicy;
        }
        var image = container.Image ?? "";
        var name = image.Split('@')[0];
        var slash = name.LastIndexOf('/');
        var colon = name.LastIndexOf(':');
        var tag = colon > slash ? name[(colon + 1)..] : null;
        return image.Contains('@', StringComparison.Ordinal) ? "IfNotPresent" : tag is null or "latest" ? "Always" : "IfNotPresent";
    }

    /// <summary>A selector or label set as <c>key=value,...</c>.</summary>
    public static string Format(this IDictionary<string, string>? labels) =>
        labels is null ? "" : string.Join(",", labels.Select(p => $"{p.Key}={p.Value}"));
}
