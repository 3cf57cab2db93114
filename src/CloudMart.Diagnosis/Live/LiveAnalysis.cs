using CloudMart.Diagnosis.Checks;
using CloudMart.Manifests;
using CloudMart.Catalog;

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

    public static DiagnosisReport Analyze(ClusterSnapshot snapshot, BuiltImages images)
    {
        var origin = $"{snapshot.Server} namespace {snapshot.Namespace}";
        var set = ManifestSet.FromCluster(origin, [.. snapshot.Deployments, .. snapshot.Services, .. snapshot.NetworkPolicies]);
        var findings = new List<Finding>();
        foreach (var check in ManifestChecks.Live)
        {
            findings.AddRange(check.Run(set, images));
        }

        var pods = PodView.All(snapshot, set, images).ToList();
        var observations = pods.SelectMany(pod => PodObservations.All.SelectMany(rule => rule(pod)))
            .Concat(EndpointObservations.All.SelectMany(rule => rule(snapshot, set)));
        // Causes first, so a finding's evidence starts with what it explains directly.
        foreach (var observation in observations.OrderBy(o => o.Consequence))
        {
            Merge(findings, observation);
        }

        var retryState = RetryFromLogs(pods, findings);
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
        return DiagnosisReport.Create(DiagnosisMode.Cluster, origin, ordered, notes, faults);
    }

    sealed record RetryState(bool Checked, string Note);

    /// <summary>Fault 7 from the order-service's start-up line: the code's policy is compiled into the running image.</summary>
    static RetryState RetryFromLogs(IEnumerable<PodView> pods, List<Finding> findings)
    {
        var lines = pods.SelectMany(p => p.Lines.Where(l => l.RetriesImmediately is not null).Select(l => (p.Name, Line: l))).ToList();
        var immediate = lines.Where(l => l.Line.RetriesImmediately == true).ToList();
        if (immediate.Count > 0)
        {
            findings.Add(RetrySighting.InLog(immediate.Take(MaxEvidence).Select(l => $"pod {l.Name} log: {l.Line.Message}").Distinct().ToList()).ToFinding());
            return new RetryState(true, $"retry policy: immediate (log of pod {immediate[0].Name})");
        }
        var backoff = lines.FirstOrDefault(l => l.Line.RetriesImmediately == false);
        return backoff.Line is not null
            ? new RetryState(true, $"retry policy: exponential backoff (log of pod {backoff.Name})")
            : new RetryState(false, "retry policy: not checked (no 'Store retry policy' line in the order-service logs)");
    }

    /// <summary>Adds an observation to the finding it confirms (its lab fault, what it is a consequence of, or the same check's problem), else adds it as a finding.</summary>
    static void Merge(List<Finding> findings, Finding observation)
    {
        var fault = observation.MatchFault();
        var index = fault is not null
            ? findings.FindIndex(f => f.Fault == fault.Number)
            : observation.Consequence
                ? findings.FindIndex(f => f.Service == observation.Service && f.Severity == Severity.Error)
                : findings.FindIndex(f => f.Service == observation.Service && f.Fault is null && f.Check == (observation.FaultCheck ?? observation.Check));
        if (index >= 0)
        {
            findings[index] = WithEvidence(findings[index], observation.Evidence);
            return;
        }
        findings.Add(observation.Classified());
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
}
