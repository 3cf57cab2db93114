namespace CloudMart.Verification.Cluster;

/// <summary>The endpoints check: each Service's ready endpoints, from its EndpointSlices (or v1 Endpoints before 1.21).</summary>
public sealed partial class ClusterVerification
{
    async Task<CheckResult> EndpointsAsync(CancellationToken cancellationToken)
    {
        const string name = "endpoints", title = "Every Service has ready endpoints";
        IList<V1Service> services;
        ServiceEndpoints endpoints;
        try
        {
            services = await Reader.ServicesAsync(cancellationToken);
            endpoints = await Reader.ServiceEndpointsAsync(cancellationToken);
        }
        catch (Exception ex) when (IsAccessFailure(ex))
        {
            return CheckResult.Fail(name, title, $"cannot list the Services and their endpoints in namespace {Ns}: {Describe(ex)}");
        }
        var evidence = new List<string>();
        var empty = new List<string>();
        foreach (var service in services.OrderBy(s => s.Metadata.Name, StringComparer.Ordinal))
        {
            if (service.Spec?.Type == "ExternalName")
            {
                continue;
            }
            var serviceName = service.Metadata.Name;
            var ready = ServiceEndpoints.ReadyCount(endpoints.Of(serviceName));
            var notReady = ServiceEndpoints.NotReadyCount(endpoints.Of(serviceName));
            var line = $"{serviceName}: {ready} ready endpoint{(ready == 1 ? "" : "s")}" + (notReady > 0 ? $", {notReady} not ready" : "");
            if (ready == 0)
            {
                empty.Add(serviceName);
                line += " — " + SelectorFinding(service);
            }
            evidence.Add(line);
        }
        foreach (var component in ServiceCatalog.All.Where(c => services.All(s => s.Metadata.Name != c.Name)))
        {
            empty.Add(component.Name);
            evidence.Add($"{component.Name}: no such Service in namespace {Ns}");
        }
        if (services.Count == 0 && empty.Count == 0)
        {
            return CheckResult.Fail(name, title, $"namespace {Ns} has no Services");
        }
        return CheckResult.From(empty.Count == 0, name, title,
            empty.Count == 0 ? $"{services.Count} Services, each with ready endpoints" : $"no ready endpoints: {string.Join(", ", empty)}",
            [.. evidence, $"read from the {endpoints.Source} API"]);
    }

    /// <summary>Why a Service may have no endpoints, from its selector and the pods: none selected, or none ready.</summary>
    string SelectorFinding(V1Service service)
    {
        var selector = service.Spec?.Selector;
        if (selector is null || selector.Count == 0)
        {
            return "it has no selector";
        }
        var text = string.Join(",", selector.Select(p => $"{p.Key}={p.Value}"));
        var selected = _pods.Where(p => Selects(selector, p)).ToList();
        if (selected.Count == 0)
        {
            var apps = _pods.Select(p => Label(p, "app")).Where(a => a is not null).Distinct().Order(StringComparer.Ordinal).ToList();
            return $"its selector {text} matches no pod" + (apps.Count > 0 ? $" (the pods' app labels: {string.Join(", ", apps)})" : "");
        }
        return $"its selector {text} matches {selected.Count} pod{(selected.Count == 1 ? "" : "s")}, none ready";
    }

    static bool Selects(IDictionary<string, string> selector, V1Pod pod) =>
        selector.All(pair => pod.Metadata.Labels?.TryGetValue(pair.Key, out var value) == true && value == pair.Value);

    static string? Label(V1Pod pod, string key) => pod.Metadata.Labels?.TryGetValue(key, out var value) == true ? value : null;
}
