using System.Globalization;
using k8s.Models;

namespace CloudMart.Diagnosis.Manifests;

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

    /// <summary>A probe's HTTP port as a number, or -1 when it is a port name (the manifests use numbers) or absent.</summary>
    public static int HttpPort(this V1Probe probe) =>
        int.TryParse(probe.HttpGet?.Port?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : -1;

    /// <summary>A selector or label set as <c>key=value,...</c>.</summary>
    public static string Format(this IDictionary<string, string>? labels) =>
        labels is null ? "" : string.Join(",", labels.Select(p => $"{p.Key}={p.Value}"));
}
