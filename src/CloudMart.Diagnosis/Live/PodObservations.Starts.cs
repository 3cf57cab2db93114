using System.Globalization;
using CloudMart.Diagnosis.Manifests;

namespace CloudMart.Diagnosis.Live;

/// <summary>Pods that do not start or do not become ready.</summary>
public static partial class PodObservations
{
    /// <summary>
    /// The service exits, usually at start with a FATAL line naming a variable; restarts another
    /// rule explains (an OOM kill, a failing liveness probe) are not crashes.
    /// </summary>
    public static IEnumerable<Finding> Crashes(PodView p)
    {
        var crashing = p.Waiting?.Reason == "CrashLoopBackOff" || (p.Restarts > 0 && p.LastTerminated is { ExitCode: not 0 });
        if (!crashing || p.RestartsExplained)
        {
            yield break;
        }
        var exit = p.LastTerminated is null ? "" : $", last terminated {PodFacts.Describe(p.LastTerminated)}";
        var fatal = p.Lines.FirstOrDefault(l => l.IsFatal);
        if (fatal is null)
        {
            var tail = p.Lines.TakeLast(3).Select(l => l.Message).ToList();
            yield return new Finding(CheckNames.Pods, p.Component, "crash", p.PodAt($"status.containerStatuses[{p.Container.Name}]"))
            {
                Summary = $"{p.Component} pod {p.Name} keeps crashing ({p.Restarts} restarts{exit})",
                Evidence = [$"pod {p.Name}: {p.State}, {p.Restarts} restarts{exit}" + (tail.Count == 0 ? "; no log lines" : "; last log lines: " + string.Join(" | ", tail))],
                Value = p.State,
                Expected = "Running",
                RootCause = $"{p.Component} exits{exit}; its log does not say why.",
                Fix = $"Read the whole log of the crashed container: kubectl logs -n {p.Snapshot.Namespace} {p.Name} --previous.",
                Symptom = $"{p.Component} pods end up in CrashLoopBackOff.",
                Impact = $"{p.Component} is unavailable.",
            };
            yield break;
        }
        var variable = fatal.FatalVariable;
        var declared = variable is null ? null : p.Spec?.Variables.FirstOrDefault(v => v.Name == variable);
        yield return new Finding(CheckNames.Pods, p.Component, variable, p.DeploymentAt(variable is null ? null : $"{p.Path}.env[{variable}]"))
        {
            FaultCheck = CheckNames.Variables,
            Summary = $"{p.Component} pod {p.Name} crashes at start: {fatal.Message}",
            Evidence = [$"pod {p.Name}: {p.State}, {p.Restarts} restarts{exit}; log: {fatal.Message}"],
            Value = variable is null ? null : p.Env(variable),
            Expected = declared?.Expected,
            RootCause = $"{p.Component} checks its variables at start and refuses to run: {fatal.Message}",
            Fix = declared is null ? $"Fix what the FATAL line names in the {p.Component} Deployment." : $"Set {variable} to {declared.Expected} in the {p.Component} Deployment.",
            Symptom = $"{p.Component} pods end up in CrashLoopBackOff.",
            Impact = $"{p.Component} never runs; everything that calls it fails.",
        };
    }

    /// <summary>Running, yet not ready, with failed readiness checks.</summary>
    public static IEnumerable<Finding> NotReady(PodView p)
    {
        var readiness = p.Events.Where(e => e.Reason == "Unhealthy" && e.Message?.StartsWith("Readiness probe failed", StringComparison.Ordinal) == true).ToList();
        if (p.Status?.State?.Running is null || PodFacts.IsReady(p.Pod) || readiness.Count == 0)
        {
            yield break;
        }
        var containerPort = p.Spec?.ContainerPort.ToString(CultureInfo.InvariantCulture);
        yield return new Finding(CheckNames.Pods, p.Component, "readiness-failing", p.DeploymentAt($"{p.Path}.readinessProbe"))
        {
            FaultCheck = CheckNames.Probes,
            Summary = $"{p.Component} pod {p.Name} runs but is not ready",
            Evidence = [$"pod {p.Name}: Running, not ready; event Unhealthy (x{readiness.Sum(e => e.Count ?? 1)}): {readiness[0].Message}"],
            Value = p.Container.ReadinessProbe?.HttpPort(p.Container).ToString(CultureInfo.InvariantCulture),
            Expected = containerPort,
            RootCause = $"The readiness probe of {p.Component} fails, so the pod gets no traffic.",
            Fix = $"Check the readiness probe against GET /health on port {containerPort ?? "the container port"}, and the service's own /health answer.",
            Symptom = $"Service {p.Component} has no ready endpoints.",
            Impact = $"Requests to {p.Component} fail.",
        };
    }

    /// <summary>The container cannot be created: its configuration names a Secret, ConfigMap or key that is not there.</summary>
    public static IEnumerable<Finding> ConfigErrors(PodView p)
    {
        if (p.Waiting is not { Reason: "CreateContainerConfigError" or "CreateContainerError" } waiting)
        {
            yield break;
        }
        yield return new Finding(CheckNames.Pods, p.Component, "config-error", p.DeploymentAt(p.Path))
        {
            FaultCheck = CheckNames.Variables,
            Summary = $"{p.Component} pod {p.Name} cannot be created: {waiting.Message}",
            Evidence = [$"pod {p.Name}: {waiting.Reason}: {waiting.Message}"],
            Value = waiting.Reason,
            Expected = "Running",
            RootCause = $"The container's configuration refers to something that does not exist: {waiting.Message}",
            Fix = "Create what the message names (a Secret, a ConfigMap, a key), or stop referring to it.",
            Symptom = $"{p.Component} pods stay in {waiting.Reason}.",
            Impact = $"{p.Component} never runs.",
        };
    }

    /// <summary>No node can take the pod.</summary>
    public static IEnumerable<Finding> Unschedulable(PodView p)
    {
        var unschedulable = p.Events.FirstOrDefault(e => e.Reason == "FailedScheduling");
        if (p.Pod.Status?.Phase != "Pending" || unschedulable is null || p.Status is not null)
        {
            yield break;
        }
        yield return new Finding(CheckNames.Pods, p.Component, "unschedulable", p.PodAt("status.phase"))
        {
            Summary = $"{p.Component} pod {p.Name} cannot be scheduled",
            Evidence = [$"pod {p.Name}: Pending; event FailedScheduling: {unschedulable.Message}"],
            Value = "Pending",
            Expected = "Running",
            RootCause = $"No node can take the pod: {unschedulable.Message}",
            Fix = "Free resources on the nodes, or lower the pod's requests.",
            Symptom = $"{p.Component} pods stay Pending.",
            Impact = $"{p.Component} never runs.",
        };
    }
}
