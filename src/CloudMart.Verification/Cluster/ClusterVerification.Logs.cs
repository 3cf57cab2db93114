namespace CloudMart.Verification.Cluster;

/// <summary>The logs check: error lines in the recent logs of every container.</summary>
public sealed partial class ClusterVerification
{
    async Task<CheckResult> LogsAsync(Action<string> progress, CancellationToken cancellationToken)
    {
        var name = "logs";
        var title = $"No error lines in the last {Minutes(options.LogWindow)} of logs";
        IList<V1Pod> pods;
        try
        {
            // Listed again: the orders may have restarted or replaced pods.
            pods = await Reader.PodsAsync(cancellationToken);
        }
        catch (Exception ex) when (IsAccessFailure(ex))
        {
            return CheckResult.Fail(name, title, $"cannot list the pods of namespace {Ns}: {Describe(ex)}");
        }
        var evidence = new List<string>();
        var noisy = new List<string>();
        long total = 0, scanned = 0;
        var since = (int)Math.Ceiling(options.LogWindow.TotalSeconds);
        foreach (var pod in pods.OrderBy(p => p.Metadata.Name, StringComparer.Ordinal))
        {
            foreach (var container in pod.Spec?.Containers ?? [])
            {
                var who = (pod.Spec!.Containers.Count > 1) ? $"{pod.Metadata.Name}/{container.Name}" : pod.Metadata.Name;
                progress($"reading the logs of {who}");
                IReadOnlyList<string> lines;
                try
                {
                    lines = await Reader.LogAsync(pod.Metadata.Name, container.Name, new LogQuery { SinceSeconds = since }, cancellationToken);
                }
                catch (Exception ex) when (IsAccessFailure(ex))
                {
                    evidence.Add($"{who}: no logs to read ({Describe(ex)})");
                    continue;
                }
                scanned += lines.Count;
                var errors = LogScan.ErrorLines(lines);
                if (errors.Count == 0)
                {
                    evidence.Add($"{who}: {lines.Count} lines, no error");
                    continue;
                }
                total += errors.Count;
                noisy.Add(who);
                evidence.Add($"{who}: {errors.Count} error line{(errors.Count == 1 ? "" : "s")} of {lines.Count}, e.g.");
                evidence.AddRange(errors.Take(3).Select(line => "  " + LogScan.Summarize(line)));
            }
        }
        return CheckResult.From(total == 0 && pods.Count > 0, name, title,
            pods.Count == 0 ? "no pods, so no logs"
            : total == 0 ? $"no error or fatal line in {scanned} lines from {pods.Count} pods"
            : $"{total} error line{(total == 1 ? "" : "s")} in the logs of {string.Join(", ", noisy)}",
            evidence);
    }

}
