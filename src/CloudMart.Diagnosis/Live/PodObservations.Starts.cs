using System.Globalization;
using CloudMart.Manifests;
using k8s.Models;

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
        // What the probe asks, when it is what fails: another path than /health (which every component serves), or another port.
        var get = p.Container.ReadinessProbe?.HttpGet;
        var subject = get is null ? "readiness-failing"
            : get.Path != "/health" ? "readinessProbe.path"
            : p.Spec is not null && p.Container.ReadinessProbe!.HttpPort(p.Container) != p.Spec.ContainerPort ? "readinessProbe.port"
            : "readiness-failing";
        yield return new Finding(CheckNames.Pods, p.Component, subject, p.DeploymentAt($"{p.Path}.readinessProbe"))
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
        var variable = MissingSource(p.Container, waiting.Message);
        yield return new Finding(CheckNames.Pods, p.Component, variable?.Name ?? "config-error", p.DeploymentAt(variable is null ? p.Path : $"{p.Path}.env[{variable.Name}].valueFrom"))
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

    /// <summary>
    /// The variable whose source a CreateContainerConfigError message names: the kubelet says
    /// <c>secret "NAME" not found</c> (or configmap), or <c>couldn't find key KEY in Secret NS/NAME</c>.
    /// </summary>
    static V1EnvVar? MissingSource(V1Container container, string? message)
    {
        if (message is null)
        {
            return null;
        }
        static bool Named(string message, string kind, string name, string key) =>
            message.Contains($"{kind.ToLowerInvariant()} \"{name}\" not found", StringComparison.OrdinalIgnoreCase)
            || message.Contains($"couldn't find key {key} in {kind} ", StringComparison.OrdinalIgnoreCase) && message.EndsWith($"/{name}", StringComparison.Ordinal);
        return container.Env?.FirstOrDefault(e =>
            e.ValueFrom?.SecretKeyRef is { } secret && Named(message, "Secret", secret.Name, secret.Key)
            || e.ValueFrom?.ConfigMapKeyRef is { } map && Named(message, "ConfigMap", map.Name, map.Key));
    }

    /// <summary>The container runtime cannot start the container's command: the executable is not in the image.</summary>
    public static IEnumerable<Finding> StartErrors(PodView p)
    {
        if (!p.StartFailed)
        {
            yield break;
        }
        var failed = p.Events.FirstOrDefault(e => e.Reason == "Failed" && e.Message?.Contains("exec", StringComparison.Ordinal) == true);
        var command = string.Join(" ", (p.Container.Command ?? []).Concat(p.Container.Args ?? []));
        yield return new Finding(CheckNames.Pods, p.Component, "command", p.DeploymentAt($"{p.Path}.command"))
        {
            FaultCheck = CheckNames.Images,
            Summary = $"{p.Component} pod {p.Name} cannot start its command{(command.Length == 0 ? "" : $" '{command}'")}",
            Evidence = [$"pod {p.Name}: {p.State}, {p.Restarts} restarts{(p.LastTerminated is null ? "" : $", last terminated {PodFacts.Describe(p.LastTerminated)}")}"
                + (failed is null ? "" : $"; event Failed: {failed.Message}")],
            Value = command.Length == 0 ? null : command,
            Expected = "the image's own entrypoint",
            RootCause = $"The runtime cannot start what the container is told to run{(failed?.Message is { } message ? $": {message}" : ".")}",
            Fix = $"Remove command and args from the {p.Component} container, so the image's entrypoint starts the service.",
            Symptom = $"{p.Component} pods show RunContainerError, then CrashLoopBackOff.",
            Impact = $"{p.Component} never runs.",
        };
    }

    /// <summary>
    /// No node can take the pod. When the reason is a claim that is not bound and the claim's own
    /// events say its storage class does not exist, the finding is about that class.
    /// </summary>
    public static IEnumerable<Finding> Unschedulable(PodView p)
    {
        var unschedulable = p.Events.FirstOrDefault(e => e.Reason == "FailedScheduling");
        if (p.Pod.Status?.Phase != "Pending" || unschedulable is null || p.Status is not null)
        {
            yield break;
        }
        var claims = (p.Pod.Spec?.Volumes ?? []).Select(v => v.PersistentVolumeClaim?.ClaimName).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var provisioning = unschedulable.Message?.Contains("unbound immediate PersistentVolumeClaims", StringComparison.Ordinal) == true
            ? p.Snapshot.Events.FirstOrDefault(e => e.Reason == "ProvisioningFailed" && e.InvolvedObject?.Kind == "PersistentVolumeClaim"
                && claims.Contains(e.InvolvedObject.Name) && e.Message?.StartsWith("storageclass.storage.k8s.io ", StringComparison.Ordinal) == true)
            : null;
        if (provisioning is not null)
        {
            yield return new Finding(CheckNames.Pods, p.Component, "storageClassName", new FindingLocation(null, null, "PersistentVolumeClaim", provisioning.InvolvedObject.Name, "spec.storageClassName"))
            {
                FaultCheck = CheckNames.Storage,
                Summary = $"{p.Component} pod {p.Name} waits for claim {provisioning.InvolvedObject.Name}, whose storage class does not exist",
                Evidence = [$"pod {p.Name}: Pending; event FailedScheduling: {unschedulable.Message}", $"PersistentVolumeClaim {provisioning.InvolvedObject.Name}: event ProvisioningFailed: {provisioning.Message}"],
                Value = "Pending",
                Expected = "a bound claim",
                RootCause = $"Nothing can provision a volume for claim {provisioning.InvolvedObject.Name}: {provisioning.Message}",
                Fix = $"Remove storageClassName from claim {provisioning.InvolvedObject.Name} (or name a class of kubectl get storageclass), delete the claim and apply again.",
                Symptom = $"{p.Component} pods stay Pending.",
                Impact = $"{p.Component} never runs.",
            };
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
