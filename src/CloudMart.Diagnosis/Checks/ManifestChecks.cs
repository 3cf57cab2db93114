using System.Globalization;
using CloudMart.Catalog;
using CloudMart.Diagnosis.Manifests;
using k8s.Models;
using static CloudMart.Diagnosis.Checks.ProblemBuilder;

namespace CloudMart.Diagnosis.Checks;

/// <summary>
/// The checks a manifest set (or a cluster's live objects) must pass to run CloudMart healthily.
/// Each compares the objects with the service catalog, the one place that says which port each
/// component listens on, which variables it needs and what memory it uses, and returns a finding
/// for every difference (none when the property holds).
/// </summary>
public delegate IEnumerable<Finding> ManifestCheck(ManifestSet set, BuiltImages images);

public static partial class ManifestChecks
{
    /// <summary>The checks a diagnosis runs, in order, by name.</summary>
    public static IReadOnlyList<(string Name, ManifestCheck Check)> All { get; } =
    [
        (CheckNames.Inventory, Inventory),
        (CheckNames.Selectors, Selectors),
        (CheckNames.Probes, Probes),
        (CheckNames.Urls, DependencyUrls),
        (CheckNames.Variables, Variables),
        (CheckNames.Images, Images),
        (CheckNames.Memory, Memory),
        (CheckNames.Chaos, Chaos),
        (CheckNames.Hardening, Hardening),
    ];

    /// <summary>The checks that make sense on live Deployments and Services (the rest need the whole folder).</summary>
    public static IReadOnlyList<(string Name, ManifestCheck Check)> Live { get; } =
        All.Where(c => c.Name != CheckNames.Hardening).ToList();

    /// <summary>Variables a container may set that are not the service's own (read by the .NET runtime).</summary>
    public static readonly IReadOnlySet<string> RuntimeVariables = new HashSet<string>(StringComparer.Ordinal) { "DOTNET_EnableDiagnostics" };

    /// <summary>Where the lab's manifests send telemetry (Tempo in the monitoring namespace).</summary>
    public const string OtlpEndpoint = "http://tempo.monitoring.svc.cluster.local:4317";

    /// <summary>The user the chiseled .NET images run as (their <c>app</c> user, APP_UID).</summary>
    public const long DotnetAppUid = 1654;

    /// <summary>The nginx user of nginx:alpine.</summary>
    public const long NginxUid = 101;

    /// <summary>How many pods of each component the lab runs.</summary>
    public static readonly IReadOnlyDictionary<string, int> Replicas = new Dictionary<string, int>
    {
        [ServiceCatalog.Gateway.Name] = 1,
        [ServiceCatalog.Api.Name] = 2,
        [ServiceCatalog.Auth.Name] = 1,
        [ServiceCatalog.Order.Name] = 2,
        [ServiceCatalog.Database.Name] = 1,
        [ServiceCatalog.Notification.Name] = 1,
    };

    /// <summary>Each component has its Deployment, with one container, and its Service.</summary>
    public static IEnumerable<Finding> Inventory(ManifestSet set, BuiltImages images)
    {
        foreach (var spec in ServiceCatalog.All)
        {
            var deployment = set.FindDeployment(spec.Name);
            var service = set.FindService(spec.Name);
            var where = set.Folder is null ? $"namespace {ServiceCatalog.Namespace}" : Path.GetFileName(set.Folder);
            if (deployment is null)
            {
                yield return Missing(set, spec, "Deployment", service, where);
            }
            else if (set.FindContainer(spec.Name) is null)
            {
                yield return Problem(set, CheckNames.Inventory, spec.Name, "containers", deployment, "spec.template.spec.containers",
                    $"{spec.Name} Deployment has no container called {spec.Name}",
                    string.Join(",", deployment.Spec?.Template?.Spec?.Containers?.Select(c => c.Name) ?? []), spec.Name,
                    $"The pod template runs several containers and none is named {spec.Name}, so it is not clear which one is the service.",
                    $"Name the service's container {spec.Name}.",
                    "The checks cannot tell which container is the service.",
                    "Nothing can be said about this component's container.");
            }
            if (service is null && deployment is not null)
            {
                // Reported by the selectors check, which knows the Deployment is there.
                continue;
            }
            if (service is null)
            {
                yield return Missing(set, spec, "Service", deployment, where);
            }
        }
    }

    static Finding Missing(ManifestSet set, ServiceSpec spec, string kind, k8s.IKubernetesObject<V1ObjectMeta>? sibling, string where) => new()
    {
        Check = CheckNames.Inventory,
        Severity = Severity.Error,
        Service = spec.Name,
        Summary = $"{where} has no {kind} called {spec.Name}",
        Symptom = kind == "Deployment" ? $"No {spec.Name} pod exists." : $"Nothing answers at {spec.Name}:{spec.ContainerPort}.",
        RootCause = $"The {kind} {spec.Name} is missing from {where}.",
        Impact = spec.Name == ServiceCatalog.Notification.Name
            ? "Notifications are not sent."
            : "Orders cannot complete without this component.",
        Fix = $"Add the {kind} {spec.Name} (see k8s/day-4/solution/ for its definition).",
        Location = sibling is null
            ? new FindingLocation(null, null, kind, spec.Name, null)
            : Locate(set, sibling, null) with { Kind = kind, Name = spec.Name, Line = null },
        Value = null,
        Expected = $"a {kind} called {spec.Name}",
    };

    /// <summary>Each Service must pick the pods of its own Deployment, and only those.</summary>
    public static IEnumerable<Finding> Selectors(ManifestSet set, BuiltImages images)
    {
        foreach (var service in set.Services)
        {
            var name = service.Metadata.Name;
            var selected = set.DeploymentsSelectedBy(service).Select(d => d.Metadata.Name).ToList();
            var selector = service.Spec?.Selector.Format() ?? "";
            var own = set.FindDeployment(name);
            var ownLabels = own?.Spec?.Template?.Metadata?.Labels.Format();
            var expected = string.IsNullOrEmpty(ownLabels) ? $"app={name}" : ownLabels;
            if (selected.Count == 0)
            {
                yield return Problem(set, CheckNames.Selectors, name, LabFaults.ServiceSelector, service, "spec.selector",
                    $"Service {name} selects no pods (selector {selector})", selector, expected,
                    own is null
                        ? $"Service {name} selects pods labelled {selector}, and no Deployment in the set labels its pods so."
                        : $"Service {name} selects pods labelled {selector}, but the {name} Deployment labels its pods {ownLabels}; no pod matches the selector.",
                    $"Set the selector of Service {name} to {expected}, the labels of its pods.",
                    $"Service {name} has no endpoints; connections to it fail.",
                    $"Nothing reaches {name} through its Service.");
            }
            else if (selected.Count != 1 || selected[0] != name)
            {
                yield return Problem(set, CheckNames.Selectors, name, LabFaults.ServiceSelector, service, "spec.selector",
                    $"Service {name} selects the pods of {string.Join(", ", selected)} (selector {selector})", selector, expected,
                    $"The selector {selector} matches the pod labels of {string.Join(", ", selected)}.",
                    $"Set the selector of Service {name} to {expected}, so it picks only its own pods.",
                    $"Requests to {name} reach other programs, which answer 404 or refuse them.",
                    $"Requests to {name} fail some or all of the time.");
            }
        }
        foreach (var deployment in set.Deployments)
        {
            var name = deployment.Metadata.Name;
            if (!ManifestSet.Selects(deployment.Spec?.Selector?.MatchLabels, deployment.Spec?.Template?.Metadata?.Labels))
            {
                yield return Problem(set, CheckNames.Selectors, name, "deployment-selector", deployment, "spec.selector.matchLabels",
                    $"Deployment {name}'s selector does not match its own pod labels",
                    deployment.Spec?.Selector?.MatchLabels.Format(), deployment.Spec?.Template?.Metadata?.Labels.Format(),
                    "A Deployment's spec.selector must match the labels of its pod template.",
                    "Make spec.selector.matchLabels equal to spec.template.metadata.labels.",
                    "kubectl apply rejects the Deployment ('selector does not match template labels').",
                    "The component is not deployed at all.");
            }
            if (set.FindService(name) is null)
            {
                var spec = ServiceCatalog.All.FirstOrDefault(s => s.Name == name);
                yield return Problem(set, CheckNames.Selectors, name, "missing-service", deployment, null,
                    $"Deployment {name} has no Service of the same name", null, $"a Service called {name}",
                    $"Other components find {name} by the DNS name of its Service, and there is no Service called {name}.",
                    spec is null
                        ? $"Add a Service called {name} that selects the Deployment's pods."
                        : $"Add a ClusterIP Service called {name} on port {spec.ContainerPort} that selects app={name}.",
                    $"Calls to http://{name}:... fail with a name resolution error.",
                    $"Whatever depends on {name} fails.");
            }
        }
    }

    /// <summary>Readiness and liveness probes ask /health on the port the app listens on.</summary>
    public static IEnumerable<Finding> Probes(ManifestSet set, BuiltImages images)
    {
        foreach (var spec in ServiceCatalog.All)
        {
            if (set.FindContainer(spec.Name) is not { } found)
            {
                continue;
            }
            var (deployment, container, _) = found;
            var ports = container.Ports?.Select(p => p.ContainerPort).ToHashSet() ?? [];
            if (!ports.SetEquals([spec.ContainerPort]))
            {
                yield return Problem(set, CheckNames.Probes, spec.Name, "ports", deployment, $"{found.Path}.ports",
                    $"{spec.Name} declares container ports {string.Join(",", ports)}; it listens on {spec.ContainerPort}",
                    string.Join(",", ports), Port(spec.ContainerPort),
                    $"{spec.Name} listens on port {spec.ContainerPort} (its PORT), and the container declares {(ports.Count == 0 ? "no port" : string.Join(",", ports))}.",
                    $"Declare containerPort {spec.ContainerPort}, and only it.",
                    "Probes or Services aimed at the declared port find nothing listening.",
                    $"{spec.Name} may be restarted or never become ready.",
                    Severity.Warning);
            }
            foreach (var (kind, probe) in new[] { ("readinessProbe", container.ReadinessProbe), ("livenessProbe", container.LivenessProbe) })
            {
                var field = $"{found.Path}.{kind}";
                if (probe?.HttpGet is null)
                {
                    yield return Problem(set, CheckNames.Probes, spec.Name, $"{kind}.missing", deployment, field,
                        $"{spec.Name} has no HTTP {kind}", null, $"httpGet /health on port {spec.ContainerPort}",
                        $"Without an HTTP {kind}, Kubernetes cannot tell whether {spec.Name} answers.",
                        $"Add an httpGet {kind} on path /health, port {spec.ContainerPort}.",
                        kind == "readinessProbe" ? "Pods receive traffic before they can answer it." : "A hung process is never restarted.",
                        kind == "readinessProbe" ? "Requests fail while a pod starts." : "A stuck pod keeps failing requests until someone restarts it.",
                        Severity.Warning);
                    continue;
                }
                if (probe.HttpGet.Path != "/health")
                {
                    yield return Problem(set, CheckNames.Probes, spec.Name, $"{kind}.path", deployment, $"{field}.httpGet.path",
                        $"{spec.Name} {kind} asks {probe.HttpGet.Path}, not /health", probe.HttpGet.Path, "/health",
                        $"Every CloudMart component answers GET /health with 200; {probe.HttpGet.Path} is not that endpoint.",
                        $"Set {kind}.httpGet.path to /health.",
                        kind == "livenessProbe" ? "The pod restarts again and again." : "The pod never becomes ready.",
                        $"{spec.Name} is unavailable.");
                }
                var port = probe.HttpPort();
                if (port != spec.ContainerPort || !ports.Contains(port))
                {
                    var current = probe.HttpGet.Port?.Value ?? "(unset)";
                    yield return Problem(set, CheckNames.Probes, spec.Name, $"{kind}.port", deployment, $"{field}.httpGet.port",
                        $"{spec.Name} {kind} port {port} is not the container port {spec.ContainerPort}", current, Port(spec.ContainerPort),
                        $"The {kind} of {spec.Name} asks port {current}, but the service listens only on {spec.ContainerPort}; the kubelet's check is refused every time.",
                        $"Set {kind}.httpGet.port to {spec.ContainerPort}.",
                        kind == "livenessProbe"
                            ? $"{spec.Name} pods restart over and over; events say the liveness probe failed."
                            : $"{spec.Name} pods never become ready; the Service has no endpoints.",
                        $"{spec.Name} is unavailable or keeps dropping requests.");
                }
            }
        }
    }

    /// <summary>Every *_URL variable names a Service of the namespace, on one of its ports, the one the catalog expects.</summary>
    public static IEnumerable<Finding> DependencyUrls(ManifestSet set, BuiltImages images)
    {
        foreach (var spec in ServiceCatalog.All)
        {
            if (set.FindContainer(spec.Name) is not { } found)
            {
                continue;
            }
            foreach (var env in found.Container.Env ?? [])
            {
                if (!env.Name.EndsWith("_URL", StringComparison.Ordinal) || env.Value is null)
                {
                    continue;
                }
                var variable = spec.Variables.FirstOrDefault(v => v.Name == env.Name);
                var target = variable?.TargetService;
                var expected = variable?.TargetService is null ? null : variable.Default;
                var field = $"{found.Path}.env[{env.Name}].value";
                var symptom = $"{spec.Name} logs 'Call to {target ?? "a dependency"} failed' and the requests that need it fail.";
                var impact = $"Whatever {spec.Name} needs {target ?? "that dependency"} for fails.";
                if (!Uri.TryCreate(env.Value, UriKind.Absolute, out var url))
                {
                    yield return Problem(set, CheckNames.Urls, spec.Name, env.Name, found.Deployment, field,
                        $"{spec.Name} {env.Name}={env.Value} is not a URL", env.Value, expected ?? variable?.Expected,
                        $"{env.Name} must be an absolute http:// URL; '{env.Value}' is not one.",
                        expected is null ? $"Set {env.Name} to an absolute URL." : $"Set {env.Name} to {expected}.",
                        $"{spec.Name} refuses to start: its log says {env.Name} is not valid.", impact);
                    continue;
                }
                if (target is null && !ManifestSet.LooksInCluster(url.Host))
                {
                    continue; // An address outside the cluster (a webhook): nothing in the namespace to check it against.
                }
                var service = set.ServiceForHost(url.Host);
                if (service is null)
                {
                    var known = string.Join(", ", set.Services.Select(s => s.Metadata.Name).Order(StringComparer.Ordinal));
                    yield return Problem(set, CheckNames.Urls, spec.Name, env.Name, found.Deployment, field,
                        $"{spec.Name} {env.Name}={env.Value}: no Service called {url.Host} in {ServiceCatalog.Namespace}", env.Value, expected,
                        ManifestSet.IsClusterHost(url.Host)
                            ? $"{spec.Name} calls host '{url.Host}', and namespace {ServiceCatalog.Namespace} has no Service of that name (it has {known}); the name does not resolve."
                            : $"{spec.Name} calls host '{url.Host}', which is not a Service name in namespace {ServiceCatalog.Namespace}.",
                        expected is null ? $"Point {env.Name} at a Service of the namespace." : $"Set {env.Name} to {expected}.",
                        symptom, impact);
                    continue;
                }
                if (!(service.Spec?.Ports ?? []).Any(p => p.Port == url.Port))
                {
                    var ports = string.Join(",", (service.Spec?.Ports ?? []).Select(p => p.Port));
                    yield return Problem(set, CheckNames.Urls, spec.Name, env.Name, found.Deployment, field,
                        $"{spec.Name} {env.Name}={env.Value}: Service {service.Metadata.Name} has no port {url.Port}", env.Value, expected,
                        $"Service {service.Metadata.Name} listens on port {ports}, not {url.Port}; the connection is refused or times out.",
                        expected is null ? $"Use port {ports} in {env.Name}." : $"Set {env.Name} to {expected}.",
                        symptom, impact);
                }
                if (target != service.Metadata.Name)
                {
                    yield return Problem(set, CheckNames.Urls, spec.Name, env.Name, found.Deployment, field,
                        $"{spec.Name} {env.Name}={env.Value} reaches {service.Metadata.Name}; the catalog says {target ?? "nothing"}", env.Value, expected,
                        target is null
                            ? $"{spec.Name} does not read {env.Name}; it points at Service {service.Metadata.Name} for nothing."
                            : $"{env.Name} must reach {target}, and {url.Host} is the Service {service.Metadata.Name}.",
                        expected is null ? $"Remove {env.Name}." : $"Set {env.Name} to {expected}.",
                        symptom, impact);
                }
            }
        }
    }

    /// <summary>
    /// Each container sets every variable its service requires, only variables the service (or the
    /// .NET runtime) reads, and only values the service's own start-up check accepts.
    /// </summary>
    public static IEnumerable<Finding> Variables(ManifestSet set, BuiltImages images)
    {
        foreach (var spec in ServiceCatalog.All)
        {
            if (set.FindContainer(spec.Name) is not { } found)
            {
                continue;
            }
            var container = found.Container;
            foreach (var required in spec.Variables.Where(v => v.Required))
            {
                if (container.Env(required.Name) is null)
                {
                    yield return Problem(set, CheckNames.Variables, spec.Name, required.Name, found.Deployment, $"{found.Path}.env[{required.Name}]",
                        $"{spec.Name} does not set {required.Name}, which it requires ({required.Expected})", null, required.Expected,
                        $"{spec.Name} refuses to start without {required.Name} (its start-up check requires {required.Expected}), and the container's env does not set it.",
                        $"Add {required.Name} to the container's env, with {required.Expected}.",
                        $"{spec.Name} exits at start with 'FATAL: {required.Name} is not set' and ends up in CrashLoopBackOff.",
                        $"{spec.Name} never runs; everything that calls it fails.");
                }
            }
            foreach (var env in container.Env ?? [])
            {
                if (RuntimeVariables.Contains(env.Name))
                {
                    continue;
                }
                var field = $"{found.Path}.env[{env.Name}]";
                var variable = spec.Variables.FirstOrDefault(v => v.Name == env.Name);
                if (variable is null)
                {
                    yield return Problem(set, CheckNames.Variables, spec.Name, $"unknown:{env.Name}", found.Deployment, field,
                        $"{spec.Name} sets {env.Name}, which it does not read", env.Value, null,
                        $"{spec.Name} reads {string.Join(", ", spec.Variables.Select(v => v.Name))}; {env.Name} is none of them (a typo, or meant for another service).",
                        $"Remove {env.Name}, or use the name the service reads.",
                        "The setting has no effect.",
                        "What the setting was meant to change does not happen.",
                        Severity.Warning);
                    continue;
                }
                string? value;
                if (env.ValueFrom?.SecretKeyRef is { } secretRef)
                {
                    if (!set.HoldsSecrets)
                    {
                        continue; // A cluster's Secrets are not read; the value cannot be checked.
                    }
                    var secret = set.All<V1Secret>().FirstOrDefault(s => s.Metadata.Name == secretRef.Name);
                    value = secret?.StringData?.TryGetValue(secretRef.Key, out var text) == true ? text
                        : secret?.Data?.TryGetValue(secretRef.Key, out var bytes) == true ? System.Text.Encoding.UTF8.GetString(bytes) : null;
                    if (value is null)
                    {
                        yield return Problem(set, CheckNames.Variables, spec.Name, env.Name, found.Deployment, $"{field}.valueFrom.secretKeyRef",
                            $"{spec.Name} {env.Name} refers to secret {secretRef.Name} key {secretRef.Key}, which the manifests do not hold",
                            $"{secretRef.Name}/{secretRef.Key}", "a Secret and key defined in the folder",
                            $"The Secret {secretRef.Name} (or its key {secretRef.Key}) is not among the manifests.",
                            $"Add the Secret {secretRef.Name} with key {secretRef.Key}, or point at one that exists.",
                            $"{spec.Name} pods stay in CreateContainerConfigError.",
                            $"{spec.Name} never starts.");
                        continue;
                    }
                    field += ".valueFrom.secretKeyRef";
                }
                else if (env.ValueFrom is not null)
                {
                    yield return Problem(set, CheckNames.Variables, spec.Name, $"source:{env.Name}", found.Deployment, $"{field}.valueFrom",
                        $"{spec.Name} {env.Name} takes its value from a source the checks do not know", null, "a value, or a secretKeyRef",
                        $"{env.Name} is filled from a ConfigMap or field reference, which the diagnosis cannot read.",
                        $"Check the value of {env.Name} by hand, or set it directly.",
                        "Unknown.", "Unknown.", Severity.Warning);
                    continue;
                }
                else
                {
                    value = env.Value ?? "";
                    field += ".value";
                }
                if (!ServiceVariables.IsValid(variable, value))
                {
                    yield return Problem(set, CheckNames.Variables, spec.Name, env.Name, found.Deployment, field,
                        $"{spec.Name} {env.Name}='{value}' is not {variable.Expected}", value, variable.Expected,
                        $"{spec.Name}'s start-up check accepts only {variable.Expected} in {env.Name}, and '{value}' is not that.",
                        variable.Default is null ? $"Set {env.Name} to {variable.Expected}." : $"Set {env.Name} to {variable.Expected} (default {variable.Default}), or remove it.",
                        $"{spec.Name} exits at start with a FATAL line naming {env.Name} and ends up in CrashLoopBackOff.",
                        $"{spec.Name} never runs; everything that calls it fails.");
                }
            }
        }
    }

    /// <summary>Every image is one that build-and-import.sh builds and imports.</summary>
    public static IEnumerable<Finding> Images(ManifestSet set, BuiltImages images)
    {
        foreach (var deployment in set.Deployments)
        {
            var containers = deployment.Spec?.Template?.Spec?.Containers ?? [];
            for (var i = 0; i < containers.Count; i++)
            {
                var container = containers[i];
                if (images.Contains(container.Image))
                {
                    continue;
                }
                var name = deployment.Metadata.Name;
                var built = container.Image is null ? null : images.SameRepository(container.Image);
                yield return Problem(set, CheckNames.Images, name, "image", deployment, $"spec.template.spec.containers[{i}].image",
                    $"{name} runs image {container.Image}, which build-and-import.sh does not produce", container.Image, built ?? string.Join(" or ", images.Images),
                    $"The cluster gets its images from build-and-import.sh, which builds only {string.Join(", ", images.Images)}; nothing builds or imports {container.Image}, and no registry has it.",
                    built is null ? "Use one of the images the build script produces." : $"Set the image to {built}.",
                    $"{name} pods stay in ErrImagePull / ImagePullBackOff.",
                    $"{name} never runs.");
            }
        }
    }

    /// <summary>Each memory limit covers what the service measurably needs under load.</summary>
    public static IEnumerable<Finding> Memory(ManifestSet set, BuiltImages images)
    {
        foreach (var spec in ServiceCatalog.All)
        {
            if (set.FindContainer(spec.Name) is not { } found || found.Container.MemoryLimitMiB() is not { } limit)
            {
                continue; // A missing limit is the hardening check's business.
            }
            if (limit < spec.MemoryNeedMiB)
            {
                var suggested = SuggestedLimitMiB(spec.MemoryNeedMiB);
                var current = found.Container.Resources.Limits["memory"].ToString();
                yield return Problem(set, CheckNames.Memory, spec.Name, "limit", found.Deployment, $"{found.Path}.resources.limits.memory",
                    $"{spec.Name} memory limit {limit}Mi is below its need of {spec.MemoryNeedMiB}Mi", current,
                    $">= {spec.MemoryNeedMiB}Mi (for example {suggested}Mi)",
                    $"{spec.Name} uses about {spec.MemoryNeedMiB}Mi under load (its measured need), and the limit of {current} is below that: the kernel kills it when it gets there.",
                    $"Raise resources.limits.memory to {suggested}Mi, which covers the {spec.MemoryNeedMiB}Mi need with room to spare.",
                    $"{spec.Name} is OOMKilled under load (exit code 137) and restarts.",
                    $"Requests to {spec.Name} fail each time it is killed.");
            }
        }
    }

    /// <summary>The need plus half again, rounded up to a power of two: 80 gives 128.</summary>
    public static int SuggestedLimitMiB(int needMiB)
    {
        var limit = 16;
        while (limit < needMiB * 3 / 2)
        {
            limit *= 2;
        }
        return limit;
    }

    /// <summary>No store call fails on purpose.</summary>
    public static IEnumerable<Finding> Chaos(ManifestSet set, BuiltImages images)
    {
        foreach (var spec in ServiceCatalog.All)
        {
            if (set.FindContainer(spec.Name) is not { } found)
            {
                continue;
            }
            if (found.Container.EnvValue("CHAOS_FAILURE_RATE") is { } rate
                && double.TryParse(rate, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0)
            {
                var variable = spec.Variables.FirstOrDefault(v => v.Name == "CHAOS_FAILURE_RATE");
                var percent = Math.Round(Math.Min(value, 1) * 100).ToString(CultureInfo.InvariantCulture);
                yield return Problem(set, CheckNames.Chaos, spec.Name, "CHAOS_FAILURE_RATE", found.Deployment, $"{found.Path}.env[CHAOS_FAILURE_RATE].value",
                    $"{spec.Name} CHAOS_FAILURE_RATE={rate} fails store calls on purpose", rate,
                    variable?.Default is { } fallback ? $"{fallback} (or remove it)" : "remove it",
                    $"CHAOS_FAILURE_RATE={rate} tells {spec.Name} to fail about {percent}% of store calls with 500 on purpose; it is a testing switch left on.",
                    $"Set CHAOS_FAILURE_RATE to {variable?.Default ?? "0"}, or remove it.",
                    $"About {percent}% of the calls to {spec.Name} fail with 500, logged as 'Injected failure'.",
                    "Checkout fails at random.");
            }
        }
    }

    static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
