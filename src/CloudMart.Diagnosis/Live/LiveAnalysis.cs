using System.Globalization;
using CloudMart.Diagnosis.Checks;
using CloudMart.Diagnosis.Manifests;
using CloudMart.ServiceDefaults;
using k8s.Models;

namespace CloudMart.Diagnosis.Live;

/// <summary>
/// Turns a snapshot of a namespace into findings. The manifest checks run on the live Deployments
/// and Services; then what the pods, endpoints, events and logs show is matched to those findings
/// as evidence, or becomes a finding of its own when no check explains it.
/// </summary>
public static class LiveAnalysis
{
    /// <summary>At most this many evidence lines are kept per finding.</summary>
    public const int MaxEvidence = 8;

    static readonly IReadOnlySet<string> PullFailures = new HashSet<string> { "ImagePullBackOff", "ErrImagePull", "InvalidImageName", "ErrImageNeverPull" };

    public static DiagnosisReport Analyze(ClusterSnapshot snapshot, BuiltImages images)
    {
        var origin = $"{snapshot.Server} namespace {snapshot.Namespace}";
        var set = ManifestSet.FromCluster(origin, [.. snapshot.Deployments, .. snapshot.Services]);
        var findings = new List<Finding>();
        foreach (var check in ManifestChecks.Live)
        {
            findings.AddRange(check.Run(set, images));
        }

        var observations = new List<Observation>();
        var retry = new List<(string Pod, LogLine Line)>();
        foreach (var pod in snapshot.Pods)
        {
            observations.AddRange(ObservePod(snapshot, set, images, pod, retry));
        }
        observations.AddRange(ObserveEndpoints(snapshot, set));
        // Causes first, so a finding's evidence starts with what it explains directly.
        foreach (var observation in observations.OrderBy(o => o.Consequence))
        {
            Merge(findings, observation);
        }

        var retryState = RetryFromLogs(retry, findings);
        AddEvents(snapshot, findings);

        var notes = new List<string>
        {
            $"read {snapshot.Deployments.Count} Deployments, {snapshot.Services.Count} Services, {snapshot.Pods.Count} pods, {snapshot.Events.Count} events and the logs of {snapshot.Logs.Count} pods from {origin}",
            $"images compared with {images.Source}",
            retryState.Note,
        };
        if (snapshot.Deployments.Any(d => d.Spec?.Template?.Spec?.Containers?.Any(c => c.Env?.Any(e => e.ValueFrom?.SecretKeyRef is not null) == true) == true))
        {
            notes.Add("values taken from Secrets were not checked (the diagnosis does not read Secrets)");
        }
        var ordered = DiagnosisReport.Ordered(findings);
        var faults = DiagnosisReport.Grade(ordered, fault => fault.Check switch
        {
            CheckNames.Retry => retryState.Checked ? null : retryState.Note,
            CheckNames.Selectors => set.FindService(fault.Service) is null ? $"no Service {fault.Service} in namespace {snapshot.Namespace}" : null,
            _ => set.FindContainer(fault.Service) is null ? $"no Deployment {fault.Service} in namespace {snapshot.Namespace}" : null,
        });
        return new DiagnosisReport(DiagnosisMode.Cluster, origin, ordered, notes, faults);
    }

    /// <summary>
    /// Something the cluster shows. It is a lab fault when (<see cref="RelatedCheck"/>, component,
    /// <see cref="Subject"/>) is one; a consequence only adds evidence to what causes it.
    /// </summary>
    sealed record Observation
    {
        public required string Check { get; init; }
        public required string RelatedCheck { get; init; }
        public required string Component { get; init; }
        public string? Subject { get; init; }
        public bool Consequence { get; init; }
        public required string Summary { get; init; }
        public required string Evidence { get; init; }
        public required FindingLocation Location { get; init; }
        public string? Value { get; init; }
        public string? Expected { get; init; }
        public required string RootCause { get; init; }
        public required string Fix { get; init; }
        public required string Symptom { get; init; }
        public required string Impact { get; init; }
        public Severity Severity { get; init; } = Severity.Error;
    }

    static IEnumerable<Observation> ObservePod(ClusterSnapshot snapshot, ManifestSet set, BuiltImages images, V1Pod pod, List<(string, LogLine)> retry)
    {
        var name = pod.Metadata.Name;
        var component = PodFacts.Component(pod, snapshot.Deployments);
        var spec = ServiceCatalog.All.FirstOrDefault(s => s.Name == component);
        var container = PodFacts.ServiceContainer(pod, component);
        if (container is null)
        {
            yield break;
        }
        var index = pod.Spec!.Containers.IndexOf(container);
        var path = $"spec.template.spec.containers[{index}]";
        var status = PodFacts.Status(pod, container);
        var restarts = status?.RestartCount ?? 0;
        var waiting = status?.State?.Waiting;
        var lastTerminated = status?.LastState?.Terminated ?? status?.State?.Terminated;
        var lines = snapshot.LogsOf(name).All.Select(LogLine.Parse).ToList();
        var events = snapshot.Events.Where(e => e.InvolvedObject?.Kind == "Pod" && e.InvolvedObject.Name == name).ToList();
        var deploymentAt = (string? field) => new FindingLocation(null, null, "Deployment", component, field);
        var state = waiting is not null ? $"{waiting.Reason}" : status?.State?.Running is not null ? "Running" : pod.Status?.Phase ?? "unknown";

        // Lines the services log that name their own problems.
        foreach (var line in lines)
        {
            if (line.RetriesImmediately is not null)
            {
                retry.Add((name, line));
            }
        }
        foreach (var group in lines.Select(l => (Line: l, Failure: l.DependencyFailure)).Where(x => x.Failure is not null).GroupBy(x => x.Failure!.Url))
        {
            var failure = group.First().Failure!;
            var variable = spec?.DependencyVariables.FirstOrDefault(v => v.TargetService == failure.Dependency);
            var evidence = $"pod {name} log ({group.Count()} line{(group.Count() == 1 ? "" : "s")}): {group.First().Line.Message}";
            if (failure.Host is { } host && set.ServiceForHost(host) is null)
            {
                var configured = variable is null ? null : PodEnv(container, variable.Name);
                yield return new Observation
                {
                    Check = CheckNames.Logs,
                    RelatedCheck = CheckNames.Urls,
                    Component = component,
                    Subject = variable?.Name,
                    Summary = $"{component} calls {failure.Dependency} at {failure.Url}, and no Service called {host} exists in {snapshot.Namespace}",
                    Evidence = evidence,
                    Location = deploymentAt(variable is null ? null : $"{path}.env[{variable.Name}].value"),
                    Value = configured ?? failure.Url,
                    Expected = variable?.Default,
                    RootCause = $"{component} is configured to reach {failure.Dependency} at host '{host}', which is no Service of namespace {snapshot.Namespace}.",
                    Fix = variable is null ? $"Point {component} at the Service {failure.Dependency}." : $"Set {variable.Name} to {variable.Default} in the {component} Deployment.",
                    Symptom = $"{component} logs 'Call to {failure.Dependency} failed'.",
                    Impact = $"Everything {component} needs {failure.Dependency} for fails.",
                };
            }
            else
            {
                yield return new Observation
                {
                    Check = CheckNames.Logs,
                    RelatedCheck = CheckNames.Logs,
                    Component = failure.Dependency,
                    Consequence = true,
                    Summary = $"calls from {component} to {failure.Dependency} fail: {failure.Error}",
                    Evidence = $"{component} {evidence}",
                    Location = new FindingLocation(null, null, "Deployment", failure.Dependency, null),
                    Value = failure.Error,
                    RootCause = $"{failure.Dependency} answers {component}'s calls with an error or not at all ({failure.Error}).",
                    Fix = $"Look at {failure.Dependency}'s pods and logs: the cause is there.",
                    Symptom = $"{component} logs 'Call to {failure.Dependency} failed'.",
                    Impact = $"Requests that need {failure.Dependency} fail.",
                    Severity = Severity.Warning,
                };
            }
        }
        var injected = lines.Where(l => l.IsInjectedFailure).ToList();
        if (injected.Count > 0)
        {
            var rate = PodEnv(container, "CHAOS_FAILURE_RATE");
            yield return new Observation
            {
                Check = CheckNames.Logs,
                RelatedCheck = CheckNames.Chaos,
                Component = component,
                Subject = "CHAOS_FAILURE_RATE",
                Summary = $"{component} fails store calls on purpose ({injected.Count} 'Injected failure' lines in pod {name})",
                Evidence = $"pod {name} log ({injected.Count} lines): {injected[0].Message}",
                Location = deploymentAt($"{path}.env[CHAOS_FAILURE_RATE].value"),
                Value = rate,
                Expected = "0 (or remove it)",
                RootCause = $"CHAOS_FAILURE_RATE{(rate is null ? "" : "=" + rate)} makes {component} fail a share of store calls with 500 on purpose.",
                Fix = "Set CHAOS_FAILURE_RATE to 0, or remove it, and let the Deployment roll out.",
                Symptom = "Store calls fail with 500, logged as 'Injected failure'.",
                Impact = "Checkout fails at random.",
            };
        }

        // Images that cannot be pulled.
        if (waiting?.Reason is { } reason && PullFailures.Contains(reason))
        {
            var image = container.Image ?? status?.Image ?? "";
            var pullEvent = events.FirstOrDefault(e => e.Type == "Warning" && e.Message?.Contains("pull", StringComparison.OrdinalIgnoreCase) == true);
            var evidence = $"pod {name}: {reason}{(string.IsNullOrEmpty(waiting.Message) ? "" : ": " + waiting.Message)}"
                + (pullEvent is null ? "" : $"; event {pullEvent.Reason}: {pullEvent.Message}");
            var built = images.Contains(image);
            yield return new Observation
            {
                Check = CheckNames.Pods,
                RelatedCheck = CheckNames.Images,
                Component = component,
                Subject = built ? "not-imported" : "image",
                Summary = built
                    ? $"{component} pod {name} cannot pull {image}, which build-and-import.sh builds but the cluster does not have"
                    : $"{component} pod {name} cannot pull {image} ({reason})",
                Evidence = evidence,
                Location = deploymentAt($"{path}.image"),
                Value = image,
                Expected = built ? image : images.SameRepository(image) ?? string.Join(" or ", images.Images),
                RootCause = built
                    ? $"{image} is one of the images build-and-import.sh produces, but it was not imported into this cluster (or was removed)."
                    : $"Nothing builds or imports {image}; the cluster cannot find it anywhere.",
                Fix = built
                    ? "Run services/day-4/broken-production/build-and-import.sh CLUSTER to build and import the images."
                    : $"Set the image to {images.SameRepository(image) ?? "one the build script produces"}.",
                Symptom = $"{component} pods stay in {reason}.",
                Impact = $"{component} never runs.",
            };
        }

        // Killed by the kernel for using more memory than the limit.
        var oom = lastTerminated?.Reason == "OOMKilled";
        if (oom)
        {
            var limit = container.MemoryLimitMiB();
            var below = spec is not null && limit is { } l && l < spec.MemoryNeedMiB;
            yield return new Observation
            {
                Check = CheckNames.Pods,
                RelatedCheck = CheckNames.Memory,
                Component = component,
                Subject = below ? "limit" : "oom-covered",
                Summary = $"{component} pod {name} was OOMKilled ({restarts} restarts) with a memory limit of {(limit is null ? "none" : limit + "Mi")}",
                Evidence = $"pod {name}: {state}, {restarts} restarts, last terminated {PodFacts.Describe(lastTerminated!)}; memory limit {(limit is null ? "none" : limit + "Mi")}{(spec is null ? "" : $", measured need {spec.MemoryNeedMiB}Mi")}",
                Location = deploymentAt($"{path}.resources.limits.memory"),
                Value = limit is null ? null : $"{limit}Mi",
                Expected = spec is null ? null : $">= {spec.MemoryNeedMiB}Mi (for example {ManifestChecks.SuggestedLimitMiB(spec.MemoryNeedMiB)}Mi)",
                RootCause = below
                    ? $"{component} needs about {spec!.MemoryNeedMiB}Mi under load and its limit is {limit}Mi: the kernel kills it when it gets there."
                    : $"{component} used more memory than its limit of {(limit is null ? "(none)" : limit + "Mi")}, although the limit covers its measured need: it is using more than it should.",
                Fix = below
                    ? $"Raise resources.limits.memory to {ManifestChecks.SuggestedLimitMiB(spec!.MemoryNeedMiB)}Mi."
                    : $"Find what makes {component} use so much memory (its logs and metrics around the kill), or raise the limit.",
                Symptom = $"{component} is OOMKilled and restarts.",
                Impact = $"Requests to {component} fail each time it is killed.",
            };
        }

        // Restarted because its liveness probe fails.
        var liveness = events.Where(e => e.Reason == "Unhealthy" && e.Message?.StartsWith("Liveness probe failed", StringComparison.Ordinal) == true).ToList();
        var killedForLiveness = events.Any(e => e.Reason == "Killing" && e.Message?.Contains("liveness probe", StringComparison.Ordinal) == true);
        var restartsExplained = oom;
        if (liveness.Count > 0 || killedForLiveness)
        {
            restartsExplained = true;
            var port = container.LivenessProbe?.HttpPort();
            var wrongPort = spec is not null && port != spec.ContainerPort;
            var failures = liveness.Sum(e => e.Count ?? 1);
            yield return new Observation
            {
                Check = CheckNames.Pods,
                RelatedCheck = CheckNames.Probes,
                Component = component,
                Subject = wrongPort ? LabFaults.LivenessPort : "liveness-failing",
                Summary = $"{component} pod {name} restarts because its liveness probe fails ({restarts} restarts)",
                Evidence = $"pod {name}: {state}, {restarts} restarts{(lastTerminated is null ? "" : ", last terminated " + PodFacts.Describe(lastTerminated))}"
                    + (liveness.Count > 0 ? $"; event Unhealthy (x{failures}): {liveness[0].Message}" : "; killed after failed liveness probes"),
                Location = deploymentAt($"{path}.livenessProbe.httpGet.port"),
                Value = port?.ToString(CultureInfo.InvariantCulture),
                Expected = spec?.ContainerPort.ToString(CultureInfo.InvariantCulture),
                RootCause = wrongPort
                    ? $"The liveness probe asks port {port}, and {component} listens on {spec!.ContainerPort}: every check is refused, so the kubelet restarts the container."
                    : $"The liveness probe asks the right port, yet {component} does not answer it in time: the process hangs or is overloaded.",
                Fix = wrongPort ? $"Set livenessProbe.httpGet.port to {spec!.ContainerPort}." : $"Look at {component}'s logs and resource use before the restarts.",
                Symptom = $"{component} restarts again and again.",
                Impact = $"Requests to {component} are cut off at each restart.",
            };
        }

        // Crashes: the service exits, usually at start with a FATAL line.
        var crashing = waiting?.Reason == "CrashLoopBackOff" || (restarts > 0 && lastTerminated is { ExitCode: not 0 });
        if (crashing && !restartsExplained)
        {
            var fatal = lines.FirstOrDefault(l => l.IsFatal);
            var exit = lastTerminated is null ? "" : $", last terminated {PodFacts.Describe(lastTerminated)}";
            if (fatal is not null)
            {
                var variable = fatal.FatalVariable;
                var catalogVariable = variable is null ? null : spec?.Variables.FirstOrDefault(v => v.Name == variable);
                yield return new Observation
                {
                    Check = CheckNames.Pods,
                    RelatedCheck = CheckNames.Variables,
                    Component = component,
                    Subject = variable,
                    Summary = $"{component} pod {name} crashes at start: {fatal.Message}",
                    Evidence = $"pod {name}: {state}, {restarts} restarts{exit}; log: {fatal.Message}",
                    Location = deploymentAt(variable is null ? null : $"{path}.env[{variable}]"),
                    Value = variable is null ? null : PodEnv(container, variable),
                    Expected = catalogVariable?.Expected,
                    RootCause = $"{component} checks its variables at start and refuses to run: {fatal.Message}",
                    Fix = catalogVariable is null ? $"Fix what the FATAL line names in the {component} Deployment." : $"Set {variable} to {catalogVariable.Expected} in the {component} Deployment.",
                    Symptom = $"{component} pods end up in CrashLoopBackOff.",
                    Impact = $"{component} never runs; everything that calls it fails.",
                };
            }
            else
            {
                var tail = lines.TakeLast(3).Select(l => l.Message).ToList();
                yield return new Observation
                {
                    Check = CheckNames.Pods,
                    RelatedCheck = CheckNames.Pods,
                    Component = component,
                    Subject = "crash",
                    Summary = $"{component} pod {name} keeps crashing ({restarts} restarts{exit})",
                    Evidence = $"pod {name}: {state}, {restarts} restarts{exit}" + (tail.Count == 0 ? "; no log lines" : "; last log lines: " + string.Join(" | ", tail)),
                    Location = new FindingLocation(null, null, "Pod", name, $"status.containerStatuses[{container.Name}]"),
                    Value = state,
                    Expected = "Running",
                    RootCause = $"{component} exits{exit}; its log does not say why.",
                    Fix = $"Read the whole log of the crashed container: kubectl logs -n {snapshot.Namespace} {name} --previous.",
                    Symptom = $"{component} pods end up in CrashLoopBackOff.",
                    Impact = $"{component} is unavailable.",
                };
            }
        }

        // Not ready although running.
        var readiness = events.Where(e => e.Reason == "Unhealthy" && e.Message?.StartsWith("Readiness probe failed", StringComparison.Ordinal) == true).ToList();
        if (status?.State?.Running is not null && !PodFacts.IsReady(pod) && readiness.Count > 0)
        {
            yield return new Observation
            {
                Check = CheckNames.Pods,
                RelatedCheck = CheckNames.Probes,
                Component = component,
                Subject = "readiness-failing",
                Summary = $"{component} pod {name} runs but is not ready",
                Evidence = $"pod {name}: Running, not ready; event Unhealthy (x{readiness.Sum(e => e.Count ?? 1)}): {readiness[0].Message}",
                Location = deploymentAt($"{path}.readinessProbe"),
                Value = container.ReadinessProbe?.HttpPort().ToString(CultureInfo.InvariantCulture),
                Expected = spec?.ContainerPort.ToString(CultureInfo.InvariantCulture),
                RootCause = $"The readiness probe of {component} fails, so the pod gets no traffic.",
                Fix = $"Check the readiness probe against GET /health on port {spec?.ContainerPort.ToString(CultureInfo.InvariantCulture) ?? "the container port"}, and the service's own /health answer.",
                Symptom = $"Service {component} has no ready endpoints.",
                Impact = $"Requests to {component} fail.",
            };
        }

        // Never started: not schedulable, or its configuration cannot be built.
        if (waiting?.Reason is "CreateContainerConfigError" or "CreateContainerError")
        {
            yield return new Observation
            {
                Check = CheckNames.Pods,
                RelatedCheck = CheckNames.Variables,
                Component = component,
                Subject = "config-error",
                Summary = $"{component} pod {name} cannot be created: {waiting.Message}",
                Evidence = $"pod {name}: {waiting.Reason}: {waiting.Message}",
                Location = deploymentAt(path),
                Value = waiting.Reason,
                Expected = "Running",
                RootCause = $"The container's configuration refers to something that does not exist: {waiting.Message}",
                Fix = "Create what the message names (a Secret, a ConfigMap, a key), or stop referring to it.",
                Symptom = $"{component} pods stay in {waiting.Reason}.",
                Impact = $"{component} never runs.",
            };
        }
        var unschedulable = events.FirstOrDefault(e => e.Reason == "FailedScheduling");
        if (pod.Status?.Phase == "Pending" && unschedulable is not null && status is null)
        {
            yield return new Observation
            {
                Check = CheckNames.Pods,
                RelatedCheck = CheckNames.Pods,
                Component = component,
                Subject = "unschedulable",
                Summary = $"{component} pod {name} cannot be scheduled",
                Evidence = $"pod {name}: Pending; event FailedScheduling: {unschedulable.Message}",
                Location = new FindingLocation(null, null, "Pod", name, "status.phase"),
                Value = "Pending",
                Expected = "Running",
                RootCause = $"No node can take the pod: {unschedulable.Message}",
                Fix = "Free resources on the nodes, or lower the pod's requests.",
                Symptom = $"{component} pods stay Pending.",
                Impact = $"{component} never runs.",
            };
        }
    }

    static IEnumerable<Observation> ObserveEndpoints(ClusterSnapshot snapshot, ManifestSet set)
    {
        foreach (var service in snapshot.Services)
        {
            var name = service.Metadata.Name;
            if (service.Spec?.Selector is not { Count: > 0 } selector)
            {
                continue; // Endpoints managed by hand: nothing to compare.
            }
            var endpoints = snapshot.Endpoints.FirstOrDefault(e => e.Metadata.Name == name);
            var ready = endpoints?.Subsets?.Sum(s => s.Addresses?.Count ?? 0) ?? 0;
            if (ready > 0)
            {
                continue;
            }
            var selected = snapshot.Pods.Where(p => ManifestSet.Selects(selector, p.Metadata?.Labels)).ToList();
            var ownLabels = set.FindDeployment(name)?.Spec?.Template?.Metadata?.Labels.Format();
            if (selected.Count == 0)
            {
                yield return new Observation
                {
                    Check = CheckNames.Endpoints,
                    RelatedCheck = CheckNames.Selectors,
                    Component = name,
                    Subject = LabFaults.ServiceSelector,
                    Summary = $"Service {name} has no endpoints: its selector {selector.Format()} matches no pod",
                    Evidence = $"Endpoints {name}: no address; selector {selector.Format()} matches none of the {snapshot.Pods.Count} pods in {snapshot.Namespace}"
                        + (ownLabels is null ? "" : $" (the {name} pods are labelled {ownLabels})"),
                    Location = new FindingLocation(null, null, "Service", name, "spec.selector"),
                    Value = selector.Format(),
                    Expected = ownLabels ?? $"app={name}",
                    RootCause = $"The selector of Service {name} matches no pod label.",
                    Fix = $"Set the selector of Service {name} to {ownLabels ?? "the labels of its pods"}.",
                    Symptom = $"Service {name} has no endpoints.",
                    Impact = $"Nothing reaches {name} through its Service.",
                };
            }
            else
            {
                var notReady = selected.Count(p => !PodFacts.IsReady(p));
                yield return new Observation
                {
                    Check = CheckNames.Endpoints,
                    RelatedCheck = CheckNames.Endpoints,
                    Component = name,
                    Consequence = true,
                    Summary = $"Service {name} has no ready endpoints: {notReady} of its {selected.Count} pods are not ready",
                    Evidence = $"Endpoints {name}: no ready address; {notReady} of {selected.Count} selected pods not ready",
                    Location = new FindingLocation(null, null, "Service", name, null),
                    Value = "0 ready addresses",
                    Expected = "at least 1",
                    RootCause = $"The pods of {name} are not ready.",
                    Fix = $"Find why the {name} pods are not ready (kubectl describe pod -n {snapshot.Namespace} -l {selector.Format()}).",
                    Symptom = $"Connections to {name} are refused.",
                    Impact = $"Everything that calls {name} fails.",
                };
            }
        }
    }

    sealed record RetryState(bool Checked, string Note);

    /// <summary>Fault 7 from the order-service's start-up line: the code's policy is compiled into the running image.</summary>
    static RetryState RetryFromLogs(List<(string Pod, LogLine Line)> lines, List<Finding> findings)
    {
        var immediate = lines.Where(l => l.Line.RetriesImmediately == true).ToList();
        if (immediate.Count > 0)
        {
            var fault = LabFaults.Get(7);
            findings.Add(new Finding
            {
                Check = CheckNames.Retry,
                Fault = fault.Number,
                Severity = Severity.Error,
                Service = ServiceCatalog.Order.Name,
                Summary = $"{ServiceCatalog.Order.Name} retries failed store calls immediately, with no backoff (its start-up log says so)",
                Symptom = fault.Symptom,
                RootCause = $"The running order-service image was built from code whose RetryFault.Shipped is RetryStrategy.Immediate ({LabRepository.RetryFaultPath}).",
                Impact = fault.Impact,
                Fix = $"Set RetryFault.Shipped to RetryStrategy.ExponentialBackoff in {LabRepository.RetryFaultPath} (k8s/day-4/solution/fault-7-retry-backoff.patch), rebuild and import the images, then kubectl rollout restart deployment/{ServiceCatalog.Order.Name} -n {ServiceCatalog.Namespace}.",
                Location = new FindingLocation(LabRepository.RetryFaultPath, null, "Deployment", ServiceCatalog.Order.Name, "RetryFault.Shipped (compiled into the image)"),
                Value = "immediate",
                Expected = "exponential backoff",
                Evidence = immediate.Take(MaxEvidence).Select(l => $"pod {l.Pod} log: {l.Line.Message}").Distinct().ToList(),
            });
            return new RetryState(true, $"retry policy: immediate (log of pod {immediate[0].Pod})");
        }
        var backoff = lines.FirstOrDefault(l => l.Line.RetriesImmediately == false);
        return backoff.Line is not null
            ? new RetryState(true, $"retry policy: exponential backoff (log of pod {backoff.Pod})")
            : new RetryState(false, "retry policy: not checked (no 'Store retry policy' line in the order-service logs)");
    }

    static void Merge(List<Finding> findings, Observation observation)
    {
        var fault = observation.Consequence ? null : LabFaults.Match(observation.RelatedCheck, observation.Component, observation.Subject);
        var index = fault is not null
            ? findings.FindIndex(f => f.Fault == fault.Number)
            : observation.Consequence
                ? findings.FindIndex(f => f.Service == observation.Component && f.Severity == Severity.Error)
                : findings.FindIndex(f => f.Service == observation.Component && f.Fault is null && f.Check == observation.RelatedCheck);
        if (index >= 0)
        {
            findings[index] = WithEvidence(findings[index], [observation.Evidence]);
            return;
        }
        findings.Add(new Finding
        {
            Check = observation.Check,
            Fault = fault?.Number,
            Severity = fault is null ? observation.Severity : Severity.Error,
            Service = observation.Component,
            Summary = observation.Summary,
            Symptom = fault?.Symptom ?? observation.Symptom,
            RootCause = observation.RootCause,
            Impact = fault?.Impact ?? observation.Impact,
            Fix = observation.Fix,
            Location = observation.Location,
            Value = observation.Value,
            Expected = observation.Expected,
            Evidence = [observation.Evidence],
        });
    }

    /// <summary>Adds the Warning events about a finding's component (its pods, ReplicaSets, Deployment) to its evidence.</summary>
    static void AddEvents(ClusterSnapshot snapshot, List<Finding> findings)
    {
        var podComponent = snapshot.Pods.ToDictionary(p => p.Metadata.Name, p => PodFacts.Component(p, snapshot.Deployments), StringComparer.Ordinal);
        for (var i = 0; i < findings.Count; i++)
        {
            var component = findings[i].Service;
            if (component is null || findings[i].Severity != Severity.Error)
            {
                continue;
            }
            var events = snapshot.Events
                .Where(e => e.Type == "Warning" && e.InvolvedObject?.Name is { } involved
                    && (e.InvolvedObject.Kind == "Pod" ? podComponent.GetValueOrDefault(involved) == component : involved == component || involved.StartsWith(component + "-", StringComparison.Ordinal)))
                .Where(e => !findings[i].Evidence.Any(line => e.Message is { } message && line.Contains(message, StringComparison.Ordinal)))
                .Select(e => $"event {e.Reason} on {e.InvolvedObject.Kind}/{e.InvolvedObject.Name}{(e.Count is > 1 ? $" (x{e.Count})" : "")}: {e.Message}")
                .Distinct()
                .Take(3);
            findings[i] = WithEvidence(findings[i], events);
        }
    }

    static Finding WithEvidence(Finding finding, IEnumerable<string> evidence) =>
        finding with { Evidence = finding.Evidence.Concat(evidence).Distinct().Take(MaxEvidence).ToList() };

    /// <summary>A variable's literal value in a pod's container, or null.</summary>
    static string? PodEnv(V1Container container, string name) => container.Env?.FirstOrDefault(e => e.Name == name)?.Value;
}
