using System.Globalization;
using CloudMart.Diagnosis.Checks;
using CloudMart.Manifests;

namespace CloudMart.Diagnosis.Live;

/// <summary>
/// What a pod shows, one rule each: its log, its image pulls, its kills and restarts, its start.
/// A problem about a field a manifest check covers names that check as its <see cref="Finding.FaultCheck"/>,
/// so that it adds evidence to that check's finding, or is the lab fault itself when no check saw it.
/// </summary>
public static partial class PodObservations
{
    /// <summary>The rules, in the order their problems are reported for a pod.</summary>
    public static IReadOnlyList<Func<PodView, IEnumerable<Finding>>> All { get; } =
    [
        DependencyFailures, InjectedFailures, PullFailures, OomKills, LivenessRestarts, Crashes, StartErrors, NotReady, ConfigErrors, Unschedulable,
    ];

    static readonly IReadOnlySet<string> PullReasons = new HashSet<string> { "ImagePullBackOff", "ErrImagePull", "InvalidImageName", "ErrImageNeverPull" };

    /// <summary>Calls to a dependency that fail, grouped by URL: a host that is no Service, or a dependency that answers badly.</summary>
    public static IEnumerable<Finding> DependencyFailures(PodView p)
    {
        foreach (var group in p.Lines.Select(l => (Line: l, Failure: l.DependencyFailure)).Where(x => x.Failure is not null).GroupBy(x => x.Failure!.Url))
        {
            var failure = group.First().Failure!;
            var variable = p.Spec?.DependencyVariables.FirstOrDefault(v => v.TargetService == failure.Dependency);
            var evidence = $"pod {p.Name} log ({group.Count()} line{(group.Count() == 1 ? "" : "s")}): {group.First().Line.Message}";
            var symptom = $"{p.Component} logs 'Call to {failure.Dependency} failed'.";
            if (failure.Host is { } host && p.Set.ServiceForHost(host) is null)
            {
                yield return new Finding(CheckNames.Logs, p.Component, variable?.Name, p.DeploymentAt(variable is null ? null : $"{p.Path}.env[{variable.Name}].value"))
                {
                    FaultCheck = CheckNames.Urls,
                    Summary = $"{p.Component} calls {failure.Dependency} at {failure.Url}, and no Service called {host} exists in {p.Snapshot.Namespace}",
                    Evidence = [evidence],
                    Value = (variable is null ? null : p.Env(variable.Name)) ?? failure.Url,
                    Expected = variable?.Default,
                    RootCause = $"{p.Component} is configured to reach {failure.Dependency} at host '{host}', which is no Service of namespace {p.Snapshot.Namespace}.",
                    Fix = variable is null ? $"Point {p.Component} at the Service {failure.Dependency}." : $"Set {variable.Name} to {variable.Default} in the {p.Component} Deployment.",
                    Symptom = symptom,
                    Impact = $"Everything {p.Component} needs {failure.Dependency} for fails.",
                };
                continue;
            }
            yield return new Finding(CheckNames.Logs, failure.Dependency, null, new FindingLocation(null, null, "Deployment", failure.Dependency, null))
            {
                Consequence = true,
                Severity = Severity.Warning,
                Summary = $"calls from {p.Component} to {failure.Dependency} fail: {failure.Error}",
                Evidence = [$"{p.Component} {evidence}"],
                Value = failure.Error,
                RootCause = $"{failure.Dependency} answers {p.Component}'s calls with an error or not at all ({failure.Error}).",
                Fix = $"Look at {failure.Dependency}'s pods and logs: the cause is there.",
                Symptom = symptom,
                Impact = $"Requests that need {failure.Dependency} fail.",
            };
        }
    }

    /// <summary>Store calls the service fails on purpose (its chaos switch).</summary>
    public static IEnumerable<Finding> InjectedFailures(PodView p)
    {
        var injected = p.Lines.Where(l => l.IsInjectedFailure).ToList();
        if (injected.Count == 0)
        {
            yield break;
        }
        var rate = p.Env("CHAOS_FAILURE_RATE");
        yield return new Finding(CheckNames.Logs, p.Component, "CHAOS_FAILURE_RATE", p.DeploymentAt($"{p.Path}.env[CHAOS_FAILURE_RATE].value"))
        {
            FaultCheck = CheckNames.Chaos,
            Summary = $"{p.Component} fails store calls on purpose ({injected.Count} 'Injected failure' lines in pod {p.Name})",
            Evidence = [$"pod {p.Name} log ({injected.Count} lines): {injected[0].Message}"],
            Value = rate,
            Expected = "0 (or remove it)",
            RootCause = $"CHAOS_FAILURE_RATE{(rate is null ? "" : "=" + rate)} makes {p.Component} fail a share of store calls with 500 on purpose.",
            Fix = "Set CHAOS_FAILURE_RATE to 0, or remove it, and let the Deployment roll out.",
            Symptom = "Store calls fail with 500, logged as 'Injected failure'.",
            Impact = "Checkout fails at random.",
        };
    }

    /// <summary>An image that cannot be pulled: one nothing builds, or one the build script makes that the cluster was not given.</summary>
    public static IEnumerable<Finding> PullFailures(PodView p)
    {
        if (p.Waiting?.Reason is not { } reason || !PullReasons.Contains(reason))
        {
            yield break;
        }
        var image = p.Container.Image ?? p.Status?.Image ?? "";
        var pullEvent = p.Events.FirstOrDefault(e => e.Type == "Warning" && e.Message?.Contains("pull", StringComparison.OrdinalIgnoreCase) == true);
        var built = p.Images.Contains(image);
        yield return new Finding(CheckNames.Pods, p.Component, built ? "not-imported" : "image", p.DeploymentAt($"{p.Path}.image"))
        {
            FaultCheck = CheckNames.Images,
            Summary = built
                ? $"{p.Component} pod {p.Name} cannot pull {image}, which build-and-import.sh builds but the cluster does not have"
                : $"{p.Component} pod {p.Name} cannot pull {image} ({reason})",
            Evidence = [$"pod {p.Name}: {reason}{(string.IsNullOrEmpty(p.Waiting.Message) ? "" : ": " + p.Waiting.Message)}"
                + (pullEvent is null ? "" : $"; event {pullEvent.Reason}: {pullEvent.Message}")],
            Value = image,
            Expected = built ? image : p.Images.SameRepository(image) ?? string.Join(" or ", p.Images.Images),
            RootCause = built
                ? $"{image} is one of the images build-and-import.sh produces, but it was not imported into this cluster (or was removed)."
                : $"Nothing builds or imports {image}; the cluster cannot find it anywhere.",
            Fix = built
                ? "Run services/day-4/broken-production/build-and-import.sh CLUSTER to build and import the images."
                : $"Set the image to {p.Images.SameRepository(image) ?? "one the build script produces"}.",
            Symptom = $"{p.Component} pods stay in {reason}.",
            Impact = $"{p.Component} never runs.",
        };
    }

    /// <summary>Killed by the kernel for using more memory than the limit: below the catalog's need, or not.</summary>
    public static IEnumerable<Finding> OomKills(PodView p)
    {
        if (!p.OomKilled)
        {
            yield break;
        }
        var spec = p.Spec;
        var limit = p.Container.MemoryLimitMiB();
        var limitText = limit is null ? "none" : limit + "Mi";
        var below = spec is not null && limit is { } l && l < spec.MemoryNeedMiB;
        yield return new Finding(CheckNames.Pods, p.Component, below ? "limit" : "oom-covered", p.DeploymentAt($"{p.Path}.resources.limits.memory"))
        {
            FaultCheck = CheckNames.Memory,
            Summary = $"{p.Component} pod {p.Name} was OOMKilled ({p.Restarts} restarts) with a memory limit of {limitText}",
            Evidence = [$"pod {p.Name}: {p.State}, {p.Restarts} restarts, last terminated {PodFacts.Describe(p.LastTerminated!)}; memory limit {limitText}{(spec is null ? "" : $", measured need {spec.MemoryNeedMiB}Mi")}"],
            Value = limit is null ? null : $"{limit}Mi",
            Expected = spec is null ? null : $">= {spec.MemoryNeedMiB}Mi (for example {ManifestChecks.SuggestedLimitMiB(spec.MemoryNeedMiB)}Mi)",
            RootCause = below
                ? $"{p.Component} needs about {spec!.MemoryNeedMiB}Mi under load and its limit is {limit}Mi: the kernel kills it when it gets there."
                : $"{p.Component} used more memory than its limit of {(limit is null ? "(none)" : limit + "Mi")}, although the limit covers its measured need: it is using more than it should.",
            Fix = below
                ? $"Raise resources.limits.memory to {ManifestChecks.SuggestedLimitMiB(spec!.MemoryNeedMiB)}Mi."
                : $"Find what makes {p.Component} use so much memory (its logs and metrics around the kill), or raise the limit.",
            Symptom = $"{p.Component} is OOMKilled and restarts.",
            Impact = $"Requests to {p.Component} fail each time it is killed.",
        };
    }

    /// <summary>Restarted because its liveness probe fails: on the wrong port, or in a process that does not answer.</summary>
    public static IEnumerable<Finding> LivenessRestarts(PodView p)
    {
        if (!p.KilledForLiveness)
        {
            yield break;
        }
        var liveness = p.LivenessFailures;
        var port = p.Container.LivenessProbe?.HttpPort(p.Container);
        var containerPort = p.Spec?.ContainerPort;
        var wrongPort = p.Spec is not null && port != containerPort;
        yield return new Finding(CheckNames.Pods, p.Component, wrongPort ? LabFaults.LivenessPort : "liveness-failing", p.DeploymentAt($"{p.Path}.livenessProbe.httpGet.port"))
        {
            FaultCheck = CheckNames.Probes,
            Summary = $"{p.Component} pod {p.Name} restarts because its liveness probe fails ({p.Restarts} restarts)",
            Evidence = [$"pod {p.Name}: {p.State}, {p.Restarts} restarts{(p.LastTerminated is null ? "" : ", last terminated " + PodFacts.Describe(p.LastTerminated))}"
                + (liveness.Count > 0 ? $"; event Unhealthy (x{liveness.Sum(e => e.Count ?? 1)}): {liveness[0].Message}" : "; killed after failed liveness probes")],
            Value = port?.ToString(CultureInfo.InvariantCulture),
            Expected = containerPort?.ToString(CultureInfo.InvariantCulture),
            RootCause = wrongPort
                ? $"The liveness probe asks port {port}, and {p.Component} listens on {containerPort}: every check is refused, so the kubelet restarts the container."
                : $"The liveness probe asks the right port, yet {p.Component} does not answer it in time: the process hangs or is overloaded.",
            Fix = wrongPort ? $"Set livenessProbe.httpGet.port to {containerPort}." : $"Look at {p.Component}'s logs and resource use before the restarts.",
            Symptom = $"{p.Component} restarts again and again.",
            Impact = $"Requests to {p.Component} are cut off at each restart.",
        };
    }
}
