namespace CloudMart.Verification.Cluster;

/// <summary>The pods check (running and ready) and the restarts check.</summary>
public sealed partial class ClusterVerification
{
    async Task<CheckResult> PodsAsync(CancellationToken cancellationToken)
    {
        const string name = "pods", title = "Every pod is Running and ready";
        try
        {
            _pods = await Reader.PodsAsync(cancellationToken);
        }
        catch (Exception ex) when (IsAccessFailure(ex))
        {
            return new CheckResult(name, title, CheckOutcome.Failed, $"cannot list the pods of namespace {Ns} on {options.ClusterName}: {Describe(ex)}", [], Stops: true);
        }
        if (_pods.Count == 0)
        {
            return CheckResult.Fail(name, title, $"namespace {Ns} has no pods (is this the right cluster and namespace? kubectl apply -f k8s/day-4/... creates them)");
        }
        var evidence = new List<string>();
        var bad = new List<string>();
        foreach (var pod in _pods.OrderBy(p => p.Metadata.Name, StringComparer.Ordinal))
        {
            var statuses = pod.Status?.ContainerStatuses ?? [];
            var containers = pod.Spec?.Containers?.Count ?? statuses.Count;
            var ready = statuses.Count(s => s.Ready);
            var state = PodState(pod);
            var healthy = state == "Running" && ready == containers && containers > 0;
            if (!healthy)
            {
                bad.Add(pod.Metadata.Name);
            }
            var waiting = statuses.Select(s => s.State?.Waiting).FirstOrDefault(w => w?.Message is { Length: > 0 });
            evidence.Add($"{pod.Metadata.Name}: {state}, {ready}/{containers} ready"
                + (waiting is not null ? $" ({LogScan.Shorten(waiting.Message, 160)})" : ""));
        }
        foreach (var component in ServiceCatalog.All.Where(c => !_pods.Any(p => Label(p, "app") == c.Name)))
        {
            bad.Add(component.Name);
            evidence.Add($"{component.Name}: no pod labelled app={component.Name}");
        }
        return CheckResult.From(bad.Count == 0, name, title,
            bad.Count == 0 ? $"{_pods.Count} pods Running and ready" : $"{bad.Count} not Running and ready: {string.Join(", ", bad)}",
            evidence);
    }

    /// <summary>The pod's state as kubectl's STATUS column shows it: a container's waiting or terminated reason, else the phase.</summary>
    static string PodState(V1Pod pod)
    {
        if (pod.Metadata.DeletionTimestamp is not null)
        {
            return "Terminating";
        }
        foreach (var status in pod.Status?.ContainerStatuses ?? [])
        {
            if (status.State?.Waiting?.Reason is { Length: > 0 } waiting)
            {
                return waiting;
            }
            if (status.State?.Terminated?.Reason is { Length: > 0 } terminated)
            {
                return terminated;
            }
        }
        return pod.Status?.Phase ?? "Unknown";
    }

    CheckResult Restarts()
    {
        var name = "restarts";
        var title = $"No restart for at least {Minutes(options.StableFor)}";
        var evidence = new List<string>();
        var unstable = new List<string>();
        var now = Now;
        foreach (var pod in _pods.OrderBy(p => p.Metadata.Name, StringComparer.Ordinal))
        {
            foreach (var status in pod.Status?.ContainerStatuses ?? [])
            {
                var who = (pod.Spec?.Containers?.Count ?? 1) > 1 ? $"{pod.Metadata.Name}/{status.Name}" : pod.Metadata.Name;
                var started = Utc(status.State?.Running?.StartedAt);
                var last = status.LastState?.Terminated;
                var lastEnd = Utc(last?.FinishedAt);
                var line = $"{who}: {status.RestartCount} restart{(status.RestartCount == 1 ? "" : "s")}";
                if (status.RestartCount > 0 && (started ?? lastEnd) is { } restartedAt)
                {
                    line += $", last {Ago(now - restartedAt)} ago";
                }
                if (last is not null)
                {
                    line += $" (previous container: {last.Reason ?? "terminated"}, exit code {last.ExitCode}"
                        + (lastEnd is { } end ? $", ended {Ago(now - end)} ago)" : ")");
                }
                bool stable;
                if (started is { } since)
                {
                    var up = now - since;
                    stable = up >= options.StableFor;
                    line += $"; running for {Ago(up)}";
                    if (!stable)
                    {
                        line += $", {Ago(options.StableFor - up)} short of {Minutes(options.StableFor)}";
                    }
                }
                else
                {
                    stable = false;
                    line += status.State?.Waiting?.Reason is { } reason ? $"; not running: {reason}" : "; not running";
                }
                if (!stable)
                {
                    unstable.Add(who);
                }
                evidence.Add(line);
            }
        }
        if (_pods.Count == 0)
        {
            return CheckResult.Fail(name, title, "no pods to check");
        }
        return CheckResult.From(unstable.Count == 0, name, title,
            unstable.Count == 0
                ? $"every container has run for {Minutes(options.StableFor)} or more without a restart"
                : $"{unstable.Count} container{(unstable.Count == 1 ? "" : "s")} restarted, started or stopped within the last {Minutes(options.StableFor)}: {string.Join(", ", unstable)}",
            evidence);
    }
}
