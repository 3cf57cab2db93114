using System.Globalization;
using System.Net;

namespace CloudMart.Verification.Cluster;

/// <summary>The resources check: CPU and memory against the limits, from metrics-server.</summary>
public sealed partial class ClusterVerification
{
    async Task<CheckResult> ResourcesAsync(CancellationToken cancellationToken)
    {
        var name = "resources";
        var title = $"CPU under {options.CpuLimitShare:P0} and memory under {options.MemoryLimitShare:P0} of their limits";
        IList<PodMetrics> metrics;
        try
        {
            metrics = await Reader.PodMetricsAsync(cancellationToken);
        }
        catch (ClusterAccessException ex) when (ex.Status is HttpStatusCode.NotFound or HttpStatusCode.ServiceUnavailable)
        {
            return CheckResult.Unavailable(name, title,
                $"not available: the metrics API (metrics.k8s.io) answered {(int)ex.Status}; metrics-server is not installed or not ready");
        }
        catch (Exception ex) when (IsAccessFailure(ex))
        {
            return CheckResult.Unavailable(name, title, $"not available: cannot read pod metrics: {Describe(ex)}");
        }
        var evidence = new List<string>();
        var over = new List<string>();
        var measured = 0;
        foreach (var podMetrics in metrics.OrderBy(m => m.Metadata?.Name, StringComparer.Ordinal))
        {
            var pod = _pods.FirstOrDefault(p => p.Metadata.Name == podMetrics.Metadata?.Name);
            foreach (var container in podMetrics.Containers ?? [])
            {
                measured++;
                var spec = pod?.Spec?.Containers?.FirstOrDefault(c => c.Name == container.Name);
                var who = (pod?.Spec?.Containers?.Count ?? 1) > 1 ? $"{podMetrics.Metadata?.Name}/{container.Name}" : podMetrics.Metadata?.Name;
                var cpu = Quantity(container.Usage, "cpu");
                var memory = Quantity(container.Usage, "memory");
                var cpuLimit = Quantity(spec?.Resources?.Limits, "cpu");
                var memoryLimit = Quantity(spec?.Resources?.Limits, "memory");
                var cpuText = Usage(cpu, cpuLimit, Cores, options.CpuLimitShare, out var cpuOver);
                var memoryText = Usage(memory, memoryLimit, Mebibytes, options.MemoryLimitShare, out var memoryOver);
                if (cpuOver || memoryOver)
                {
                    over.Add(who ?? "?");
                }
                evidence.Add($"{who}: CPU {cpuText}, memory {memoryText}");
            }
        }
        if (measured == 0)
        {
            return CheckResult.Unavailable(name, title, "not available: metrics-server has no figures for this namespace's pods yet");
        }
        return CheckResult.From(over.Count == 0, name, title,
            over.Count == 0
                ? $"{measured} containers within {options.CpuLimitShare:P0} of their CPU limit and {options.MemoryLimitShare:P0} of their memory limit"
                : $"too close to their limits: {string.Join(", ", over)}",
            evidence);
    }

    static decimal? Quantity(IDictionary<string, ResourceQuantity>? quantities, string resource) =>
        quantities?.TryGetValue(resource, out var quantity) == true && quantity is not null ? quantity.ToDecimal() : null;

    static string Usage(decimal? used, decimal? limit, Func<decimal, string> format, double share, out bool over)
    {
        over = false;
        if (used is null)
        {
            return "not measured";
        }
        if (limit is null or 0)
        {
            return $"{format(used.Value)} (no limit)";
        }
        var fraction = (double)(used.Value / limit.Value);
        over = fraction >= share;
        return $"{format(used.Value)} of {format(limit.Value)} ({fraction:P0}){(over ? " — too high" : "")}";
    }

    static string Cores(decimal cores) => (cores * 1000).ToString("0", CultureInfo.InvariantCulture) + "m";

    static string Mebibytes(decimal bytes) => (bytes / (1024 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + "Mi";
}
