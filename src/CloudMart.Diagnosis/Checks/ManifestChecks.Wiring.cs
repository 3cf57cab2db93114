using CloudMart.Manifests;
using CloudMart.Catalog;
using k8s.Models;

namespace CloudMart.Diagnosis.Checks;

/// <summary>How the components find each other: Service selectors and the *_URL variables.</summary>
public static partial class ManifestChecks
{
    /// <summary>Each Service picks the pods of its own Deployment, and only those.</summary>
    public static IEnumerable<Finding> ServiceSelectors(ManifestSet set, BuiltImages images)
    {
        foreach (var service in set.Services)
        {
            var name = service.Metadata.Name;
            var selected = set.DeploymentsSelectedBy(service).Select(d => d.Metadata.Name).ToList();
            if (selected.Count == 1 && selected[0] == name)
            {
                continue;
            }
            var selector = service.Spec?.Selector.Format() ?? "";
            var own = set.FindDeployment(name);
            var ownLabels = own?.Spec?.Template?.Metadata?.Labels.Format();
            var expected = string.IsNullOrEmpty(ownLabels) ? $"app={name}" : ownLabels;
            var problem = new Finding(CheckNames.Selectors, name, LabFaults.ServiceSelector, set.Locate(service, "spec.selector"))
            {
                Summary = $"Service {name} selects no pods (selector {selector})",
                Value = selector,
                Expected = expected,
                RootCause = own is null
                    ? $"Service {name} selects pods labelled {selector}, and no Deployment in the set labels its pods so."
                    : $"Service {name} selects pods labelled {selector}, but the {name} Deployment labels its pods {ownLabels}; no pod matches the selector.",
                Fix = $"Set the selector of Service {name} to {expected}, the labels of its pods.",
                Symptom = $"Service {name} has no endpoints; connections to it fail.",
                Impact = $"Nothing reaches {name} through its Service.",
            };
            yield return selected.Count == 0 ? problem : problem with
            {
                Summary = $"Service {name} selects the pods of {string.Join(", ", selected)} (selector {selector})",
                RootCause = $"The selector {selector} matches the pod labels of {string.Join(", ", selected)}.",
                Fix = $"Set the selector of Service {name} to {expected}, so it picks only its own pods.",
                Symptom = $"Requests to {name} reach other programs, which answer 404 or refuse them.",
                Impact = $"Requests to {name} fail some or all of the time.",
            };
        }
    }

    /// <summary>Each Deployment's selector matches its own pod template.</summary>
    public static IEnumerable<Finding> DeploymentSelectors(ManifestSet set, BuiltImages images) =>
        from deployment in set.Deployments
        where !ManifestSet.Selects(deployment.Spec?.Selector?.MatchLabels, deployment.Spec?.Template?.Metadata?.Labels)
        let name = deployment.Metadata.Name
        select new Finding(CheckNames.Selectors, name, "deployment-selector", set.Locate(deployment, "spec.selector.matchLabels"))
        {
            Summary = $"Deployment {name}'s selector does not match its own pod labels",
            Value = deployment.Spec?.Selector?.MatchLabels.Format(),
            Expected = deployment.Spec?.Template?.Metadata?.Labels.Format(),
            RootCause = "A Deployment's spec.selector must match the labels of its pod template.",
            Fix = "Make spec.selector.matchLabels equal to spec.template.metadata.labels.",
            Symptom = "kubectl apply rejects the Deployment ('selector does not match template labels').",
            Impact = "The component is not deployed at all.",
        };

    /// <summary>Each Deployment has a Service of its name, which is how the others find it.</summary>
    public static IEnumerable<Finding> ServicePerDeployment(ManifestSet set, BuiltImages images) =>
        from deployment in set.Deployments
        let name = deployment.Metadata.Name
        where set.FindService(name) is null
        let spec = ServiceCatalog.All.FirstOrDefault(s => s.Name == name)
        select new Finding(CheckNames.Selectors, name, "missing-service", set.Locate(deployment, null))
        {
            Summary = $"Deployment {name} has no Service of the same name",
            Expected = $"a Service called {name}",
            RootCause = $"Other components find {name} by the DNS name of its Service, and there is no Service called {name}.",
            Fix = spec is null
                ? $"Add a Service called {name} that selects the Deployment's pods."
                : $"Add a ClusterIP Service called {name} on port {spec.ServicePort} that selects app={name}.",
            Symptom = $"Calls to http://{name}:... fail with a name resolution error.",
            Impact = $"Whatever depends on {name} fails.",
        };

    /// <summary>
    /// One *_URL variable a container sets: the catalog's declaration of it (null when the service
    /// does not read it), the Service it must reach, and its parsed value when it is a URL.
    /// </summary>
    sealed record UrlVariable(ServiceSpec Spec, ContainerRef Found, V1EnvVar Env, VariableSpec? Variable, Uri? Url)
    {
        public string? Target => Variable?.TargetService;

        public string? Expected => Target is null ? null : Variable!.Default;

        public string Field => $"{Found.Path}.env[{Env.Name}].value";

        public Finding Report(ManifestSet set, string summary, string rootCause, string fix) => new(CheckNames.Urls, Spec.Name, Env.Name, set.Locate(Found.Deployment, Field))
        {
            Summary = summary,
            Value = Env.Value,
            Expected = Expected,
            RootCause = rootCause,
            Fix = Expected is null ? fix : $"Set {Env.Name} to {Expected}.",
            Symptom = $"{Spec.Name} logs 'Call to {Target ?? "a dependency"} failed' and the requests that need it fail.",
            Impact = $"Whatever {Spec.Name} needs {Target ?? "that dependency"} for fails.",
        };
    }

    static IEnumerable<UrlVariable> UrlVariables(ManifestSet set) =>
        from c in Containers(set)
        from env in c.Found.Container.Env ?? []
        where env.Name.EndsWith("_URL", StringComparison.Ordinal) && env.Value is not null
        select new UrlVariable(c.Spec, c.Found, env, c.Spec.Variables.FirstOrDefault(v => v.Name == env.Name),
            Uri.TryCreate(env.Value, UriKind.Absolute, out var url) ? url : null);

    /// <summary>The URL variables that point into the namespace (a webhook outside it has nothing to be checked against), with their Service.</summary>
    static IEnumerable<(UrlVariable Url, V1Service? Service)> InClusterUrls(ManifestSet set) =>
        from u in UrlVariables(set)
        where u.Url is not null && (u.Target is not null || ManifestSet.LooksInCluster(u.Url.Host))
        select (u, set.ServiceForHost(u.Url!.Host));

    /// <summary>Every *_URL variable is an absolute URL.</summary>
    public static IEnumerable<Finding> UrlsAreUrls(ManifestSet set, BuiltImages images) =>
        from u in UrlVariables(set)
        where u.Url is null
        select u.Report(set, $"{u.Spec.Name} {u.Env.Name}={u.Env.Value} is not a URL",
            $"{u.Env.Name} must be an absolute http:// URL; '{u.Env.Value}' is not one.",
            $"Set {u.Env.Name} to an absolute URL.") with
        {
            Expected = u.Expected ?? u.Variable?.Expected,
            Symptom = $"{u.Spec.Name} refuses to start: its log says {u.Env.Name} is not valid.",
        };

    /// <summary>Every URL into the cluster names a Service of the namespace.</summary>
    public static IEnumerable<Finding> UrlHostsAreServices(ManifestSet set, BuiltImages images)
    {
        foreach (var (u, _) in InClusterUrls(set).Where(x => x.Service is null))
        {
            var host = u.Url!.Host;
            var known = string.Join(", ", set.Services.Select(s => s.Metadata.Name).Order(StringComparer.Ordinal));
            yield return u.Report(set, $"{u.Spec.Name} {u.Env.Name}={u.Env.Value}: no Service called {host} in {ServiceCatalog.Namespace}",
                ManifestSet.IsClusterHost(host)
                    ? $"{u.Spec.Name} calls host '{host}', and namespace {ServiceCatalog.Namespace} has no Service of that name (it has {known}); the name does not resolve."
                    : $"{u.Spec.Name} calls host '{host}', which is not a Service name in namespace {ServiceCatalog.Namespace}.",
                $"Point {u.Env.Name} at a Service of the namespace.");
        }
    }

    /// <summary>Every URL into the cluster uses a port its Service has.</summary>
    public static IEnumerable<Finding> UrlPortsExist(ManifestSet set, BuiltImages images)
    {
        foreach (var (u, service) in InClusterUrls(set))
        {
            if (service is null || (service.Spec?.Ports ?? []).Any(p => p.Port == u.Url!.Port))
            {
                continue;
            }
            var ports = string.Join(",", (service.Spec?.Ports ?? []).Select(p => p.Port));
            yield return u.Report(set, $"{u.Spec.Name} {u.Env.Name}={u.Env.Value}: Service {service.Metadata.Name} has no port {u.Url!.Port}",
                $"Service {service.Metadata.Name} listens on port {ports}, not {u.Url.Port}; the connection is refused or times out.",
                $"Use port {ports} in {u.Env.Name}.");
        }
    }

    /// <summary>Every URL reaches the Service the catalog says the variable is for.</summary>
    public static IEnumerable<Finding> UrlTargetsMatch(ManifestSet set, BuiltImages images) =>
        from x in InClusterUrls(set)
        where x.Service is not null && x.Url.Target != x.Service.Metadata.Name
        let u = x.Url
        let service = x.Service!.Metadata.Name
        select u.Report(set, $"{u.Spec.Name} {u.Env.Name}={u.Env.Value} reaches {service}; the catalog says {u.Target ?? "nothing"}",
            u.Target is null
                ? $"{u.Spec.Name} does not read {u.Env.Name}; it points at Service {service} for nothing."
                : $"{u.Env.Name} must reach {u.Target}, and {u.Url!.Host} is the Service {service}.",
            $"Remove {u.Env.Name}.");
}
