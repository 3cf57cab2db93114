using System.Globalization;
using CloudMart.ServiceDefaults;
using k8s.Models;

namespace CloudMart.Manifests.Tests.Support;

/// <summary>
/// The properties a healthy CloudMart deployment has, each as a list of violations found in a
/// manifest set (empty when the property holds). The solution must have none; the broken set
/// must have exactly the ones its faults cause.
/// </summary>
public static class Checks
{
    /// <summary>Variables a container may set that are not the service's own (read by the .NET runtime).</summary>
    public static readonly IReadOnlySet<string> RuntimeVariables = new HashSet<string>(StringComparer.Ordinal) { "DOTNET_EnableDiagnostics" };

    public const string OtlpEndpoint = "http://tempo.monitoring.svc.cluster.local:4317";

    /// <summary>The user the chiseled .NET images run as (their <c>app</c> user, APP_UID).</summary>
    public const long DotnetAppUid = 1654;

    /// <summary>The nginx user of nginx:alpine.</summary>
    public const long NginxUid = 101;

    public static readonly IReadOnlyDictionary<string, int> Replicas = new Dictionary<string, int>
    {
        ["gateway"] = 1,
        ["api-service"] = 2,
        ["auth-service"] = 1,
        ["order-service"] = 2,
        ["database-service"] = 1,
        ["notification-service"] = 1,
    };

    /// <summary>Each Service must pick the pods of its own Deployment, and only those.</summary>
    public static IEnumerable<string> Selectors(ManifestSet set)
    {
        foreach (var service in set.Services)
        {
            var name = service.Metadata.Name;
            var selected = set.DeploymentsSelectedBy(service).Select(d => d.Metadata.Name).ToList();
            var selector = string.Join(",", (service.Spec.Selector ?? new Dictionary<string, string>()).Select(p => $"{p.Key}={p.Value}"));
            if (selected.Count == 0)
            {
                yield return $"Service {name} selects no pods (selector {selector})";
            }
            else if (selected.Count != 1 || selected[0] != name)
            {
                yield return $"Service {name} selects the pods of {string.Join(", ", selected)} (selector {selector})";
            }
        }
        foreach (var deployment in set.Deployments)
        {
            var name = deployment.Metadata.Name;
            if (!ManifestSet.Selects(deployment.Spec.Selector.MatchLabels, deployment.Spec.Template.Metadata.Labels))
            {
                yield return $"Deployment {name}'s selector does not match its own pod labels";
            }
            if (set.FindService(name) is null)
            {
                yield return $"Deployment {name} has no Service of the same name";
            }
        }
    }

    /// <summary>Readiness and liveness probes ask /health on the port the app listens on.</summary>
    public static IEnumerable<string> Probes(ManifestSet set)
    {
        foreach (var spec in ServiceCatalog.All)
        {
            var container = set.Container(spec.Name);
            var ports = container.Ports?.Select(p => p.ContainerPort).ToHashSet() ?? [];
            if (!ports.SetEquals([spec.ContainerPort]))
            {
                yield return $"{spec.Name} declares container ports {string.Join(",", ports)}; it listens on {spec.ContainerPort}";
            }
            foreach (var (kind, probe) in new[] { ("readinessProbe", container.ReadinessProbe), ("livenessProbe", container.LivenessProbe) })
            {
                if (probe?.HttpGet is null)
                {
                    yield return $"{spec.Name} has no HTTP {kind}";
                    continue;
                }
                if (probe.HttpGet.Path != "/health")
                {
                    yield return $"{spec.Name} {kind} asks {probe.HttpGet.Path}, not /health";
                }
                var port = probe.HttpPort();
                if (port != spec.ContainerPort || !ports.Contains(port))
                {
                    yield return $"{spec.Name} {kind} port {port} is not the container port {spec.ContainerPort}";
                }
            }
        }
    }

    /// <summary>Every *_URL variable names a Service of the namespace, on one of its ports, the one the catalog expects.</summary>
    public static IEnumerable<string> DependencyUrls(ManifestSet set)
    {
        foreach (var spec in ServiceCatalog.All)
        {
            foreach (var env in set.Container(spec.Name).Env ?? [])
            {
                if (!env.Name.EndsWith("_URL", StringComparison.Ordinal) || env.Value is null)
                {
                    continue;
                }
                if (!Uri.TryCreate(env.Value, UriKind.Absolute, out var url))
                {
                    yield return $"{spec.Name} {env.Name}={env.Value} is not a URL";
                    continue;
                }
                var service = set.ServiceForHost(url.Host);
                if (service is null)
                {
                    yield return $"{spec.Name} {env.Name}={env.Value}: no Service called {url.Host} in {ServiceCatalog.Namespace}";
                    continue;
                }
                if (!service.Spec.Ports.Any(p => p.Port == url.Port))
                {
                    yield return $"{spec.Name} {env.Name}={env.Value}: Service {service.Metadata.Name} has no port {url.Port}";
                }
                var target = spec.Variables.FirstOrDefault(v => v.Name == env.Name)?.TargetService;
                if (target != service.Metadata.Name)
                {
                    yield return $"{spec.Name} {env.Name}={env.Value} reaches {service.Metadata.Name}; the catalog says {target ?? "nothing"}";
                }
            }
        }
    }

    /// <summary>
    /// Each container sets every variable its service requires, only variables the service (or the
    /// .NET runtime) reads, and only values the service's own start-up check accepts.
    /// </summary>
    public static IEnumerable<string> Variables(ManifestSet set)
    {
        foreach (var spec in ServiceCatalog.All)
        {
            var container = set.Container(spec.Name);
            foreach (var required in spec.Variables.Where(v => v.Required))
            {
                if (container.Env(required.Name) is null)
                {
                    yield return $"{spec.Name} does not set {required.Name}, which it requires ({required.Expected})";
                }
            }
            foreach (var env in container.Env ?? [])
            {
                if (RuntimeVariables.Contains(env.Name))
                {
                    continue;
                }
                var variable = spec.Variables.FirstOrDefault(v => v.Name == env.Name);
                if (variable is null)
                {
                    yield return $"{spec.Name} sets {env.Name}, which it does not read";
                    continue;
                }
                string? value;
                if (env.ValueFrom?.SecretKeyRef is { } secretRef)
                {
                    var secret = set.All<V1Secret>().SingleOrDefault(s => s.Metadata.Name == secretRef.Name);
                    value = secret?.StringData?.TryGetValue(secretRef.Key, out var text) == true ? text
                        : secret?.Data?.TryGetValue(secretRef.Key, out var bytes) == true ? System.Text.Encoding.UTF8.GetString(bytes) : null;
                    if (value is null)
                    {
                        yield return $"{spec.Name} {env.Name} refers to secret {secretRef.Name} key {secretRef.Key}, which the manifests do not hold";
                        continue;
                    }
                }
                else if (env.ValueFrom is not null)
                {
                    yield return $"{spec.Name} {env.Name} takes its value from a source the checks do not know";
                    continue;
                }
                else
                {
                    value = env.Value ?? "";
                }
                if (!ServiceSettings.IsValid(variable, value))
                {
                    yield return $"{spec.Name} {env.Name}='{value}' is not {variable.Expected}";
                }
            }
        }
    }

    /// <summary>Every image is one that build-and-import.sh builds and imports.</summary>
    public static IEnumerable<string> Images(ManifestSet set)
    {
        foreach (var deployment in set.Deployments)
        {
            foreach (var container in deployment.Spec.Template.Spec.Containers)
            {
                if (!BuildScript.Images.Contains(container.Image))
                {
                    yield return $"{deployment.Metadata.Name} runs image {container.Image}, which build-and-import.sh does not produce";
                }
            }
        }
    }

    /// <summary>Each memory limit covers what the service measurably needs under load.</summary>
    public static IEnumerable<string> Memory(ManifestSet set)
    {
        foreach (var spec in ServiceCatalog.All)
        {
            var limit = set.Container(spec.Name).MemoryLimitMiB();
            if (limit < spec.MemoryNeedMiB)
            {
                yield return $"{spec.Name} memory limit {limit}Mi is below its need of {spec.MemoryNeedMiB}Mi";
            }
        }
    }

    /// <summary>No store call fails on purpose.</summary>
    public static IEnumerable<string> Chaos(ManifestSet set)
    {
        foreach (var spec in ServiceCatalog.All)
        {
            if (set.Container(spec.Name).EnvValue("CHAOS_FAILURE_RATE") is { } rate
                && double.TryParse(rate, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0)
            {
                yield return $"{spec.Name} CHAOS_FAILURE_RATE={rate} fails store calls on purpose";
            }
        }
    }

    /// <summary>
    /// The Online Boutique habits: one app label, ClusterIP Services on the catalog port, requests
    /// and limits, non-root read-only containers without privileges, the replica counts, the
    /// telemetry variables, and a writable volume wherever the app writes.
    /// </summary>
    public static IEnumerable<string> Hardening(ManifestSet set)
    {
        foreach (var obj in set.Objects)
        {
            if (obj.Object is not V1Namespace && obj.Object.Metadata.NamespaceProperty != ServiceCatalog.Namespace)
            {
                yield return $"{obj.Kind} {obj.Name} is not in namespace {ServiceCatalog.Namespace}";
            }
        }
        foreach (var ingress in set.All<V1Ingress>())
        {
            var backends = ingress.Spec.Rules.SelectMany(r => r.Http.Paths).Select(p => p.Backend.Service).ToList();
            if (backends.Count == 0 || backends.Any(b => set.FindService(b.Name) is not { } target || !target.Spec.Ports.Any(p => p.Port == b.Port.Number)))
            {
                yield return $"Ingress {ingress.Metadata.Name} sends traffic to a Service or port that does not exist";
            }
            if (backends.Any(b => b.Name != ServiceCatalog.Gateway.Name))
            {
                yield return $"Ingress {ingress.Metadata.Name} bypasses the gateway";
            }
        }
        foreach (var spec in ServiceCatalog.All)
        {
            var name = spec.Name;
            var deployment = set.Deployment(name);
            var service = set.Service(name);
            var pod = deployment.Spec.Template.Spec;
            var container = set.Container(name);
            var dotnet = name != ServiceCatalog.Gateway.Name;

            foreach (var (what, labels) in new[] { ("Deployment", deployment.Metadata.Labels), ("pod template", deployment.Spec.Template.Metadata.Labels), ("Service", service.Metadata.Labels) })
            {
                if (labels is null || labels.Count != 1 || !labels.TryGetValue("app", out var app) || app != name)
                {
                    yield return $"{name} {what} labels are not exactly app={name}";
                }
            }
            if (deployment.Spec.Replicas != Replicas[name])
            {
                yield return $"{name} has {deployment.Spec.Replicas} replicas; expected {Replicas[name]}";
            }
            if (service.Spec.Type != "ClusterIP")
            {
                yield return $"Service {name} is of type {service.Spec.Type ?? "(unset)"}, not ClusterIP";
            }
            if (service.Spec.Ports.Count != 1 || service.Spec.Ports[0].Port != spec.ContainerPort || service.Spec.Ports[0].TargetPort?.Value != spec.ContainerPort.ToString(CultureInfo.InvariantCulture))
            {
                yield return $"Service {name} does not expose port {spec.ContainerPort} to container port {spec.ContainerPort}";
            }
            if (container.ImagePullPolicy != "IfNotPresent")
            {
                yield return $"{name} imagePullPolicy is {container.ImagePullPolicy ?? "(unset)"}, not IfNotPresent";
            }
            foreach (var resource in new[] { "cpu", "memory" })
            {
                if (container.Resources?.Requests?.ContainsKey(resource) != true || container.Resources?.Limits?.ContainsKey(resource) != true)
                {
                    yield return $"{name} lacks a {resource} request or limit";
                }
            }
            if (container.Resources?.Requests?.ContainsKey("memory") == true && container.Resources?.Limits?.ContainsKey("memory") == true
                && container.MemoryRequestMiB() > container.MemoryLimitMiB())
            {
                yield return $"{name} requests more memory than its limit";
            }

            var podSecurity = pod.SecurityContext;
            var expectedUid = dotnet ? DotnetAppUid : NginxUid;
            if (podSecurity?.RunAsNonRoot != true || podSecurity.RunAsUser != expectedUid || podSecurity.RunAsGroup != expectedUid
                || podSecurity.SeccompProfile?.Type != "RuntimeDefault")
            {
                yield return $"{name} pod securityContext is not non-root {expectedUid}:{expectedUid} with the RuntimeDefault seccomp profile";
            }
            if (pod.AutomountServiceAccountToken != false)
            {
                yield return $"{name} mounts a service account token it never uses";
            }
            var security = container.SecurityContext;
            if (security?.AllowPrivilegeEscalation != false || security.ReadOnlyRootFilesystem != true
                || security.Capabilities?.Drop is not ["ALL"] || security.Capabilities.Add is { Count: > 0 } || security.Privileged == true)
            {
                yield return $"{name} container securityContext is not: no privilege escalation, read-only root filesystem, all capabilities dropped";
            }

            var mounts = container.VolumeMounts ?? [];
            var volumes = pod.Volumes ?? [];
            foreach (var mount in mounts)
            {
                if (!volumes.Any(v => v.Name == mount.Name))
                {
                    yield return $"{name} mounts volume {mount.Name}, which the pod does not declare";
                }
            }
            var writable = mounts.Where(m => m.ReadOnlyProperty != true && volumes.Any(v => v.Name == m.Name && (v.EmptyDir is not null || v.PersistentVolumeClaim is not null)))
                .Select(m => m.MountPath).ToHashSet();
            var persistent = mounts.Where(m => m.ReadOnlyProperty != true && volumes.Any(v => v.Name == m.Name && v.PersistentVolumeClaim is not null))
                .Select(m => m.MountPath).ToHashSet();
            if (dotnet)
            {
                if (container.EnvValue("DOTNET_EnableDiagnostics") != "0")
                {
                    yield return $"{name} does not set DOTNET_EnableDiagnostics=0 (a read-only filesystem has no room for the diagnostics socket)";
                }
                if (container.EnvValue("OTEL_SERVICE_NAME") != name || container.EnvValue("OTEL_EXPORTER_OTLP_ENDPOINT") != OtlpEndpoint)
                {
                    yield return $"{name} does not report telemetry as {name} to {OtlpEndpoint}";
                }
                if (container.EnvValue("PORT") != spec.ContainerPort.ToString(CultureInfo.InvariantCulture))
                {
                    yield return $"{name} PORT is not {spec.ContainerPort}";
                }
                if (spec.Variables.Any(v => v.Name == "DATA_DIR") && (container.EnvValue("DATA_DIR") is not { } dataDir || !persistent.Contains(dataDir)))
                {
                    yield return $"{name} DATA_DIR is not a writable PersistentVolumeClaim mount (acknowledged orders must outlive the pod)";
                }
                if (name == ServiceCatalog.Database.Name && !writable.Contains("/tmp"))
                {
                    yield return $"{name} has no writable /tmp for SQLite's temporary files";
                }
            }
            else
            {
                foreach (var path in new[] { "/tmp", "/var/cache/nginx", "/var/run" })
                {
                    if (!writable.Contains(path))
                    {
                        yield return $"gateway has no writable emptyDir at {path}";
                    }
                }
                if (podSecurity?.Sysctls?.Any(s => s.Name == "net.ipv4.ip_unprivileged_port_start" && s.Value == "0") != true)
                {
                    yield return "gateway pod does not let its non-root nginx listen on port 80 (sysctl net.ipv4.ip_unprivileged_port_start=0)";
                }
                var config = mounts.FirstOrDefault(m => m.MountPath == "/etc/nginx/nginx.conf");
                var configVolume = volumes.FirstOrDefault(v => v.Name == config?.Name);
                if (config?.SubPath != "nginx.conf" || configVolume?.ConfigMap?.Name != "gateway-config")
                {
                    yield return "gateway does not mount nginx.conf from ConfigMap gateway-config at /etc/nginx/nginx.conf";
                }
            }
        }
    }
}
