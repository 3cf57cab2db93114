using System.Globalization;
using CloudMart.Catalog;
using CloudMart.Diagnosis.Manifests;
using k8s;
using k8s.Models;

namespace CloudMart.Diagnosis.Checks;

public static partial class ManifestChecks
{
    /// <summary>
    /// The Online Boutique habits: one app label, ClusterIP Services on the catalog port, requests
    /// and limits, non-root read-only containers without privileges, the replica counts, the
    /// telemetry variables, and a writable volume wherever the app writes. None of these is a lab
    /// fault; each is reported as a warning.
    /// </summary>
    public static IEnumerable<Finding> Hardening(ManifestSet set, BuiltImages images)
    {
        foreach (var obj in set.Objects)
        {
            if (obj.Object is not V1Namespace && obj.Object.Metadata.NamespaceProperty != ServiceCatalog.Namespace)
            {
                yield return Warn(set, null, obj.Object, "metadata.namespace",
                    $"{obj.Kind} {obj.Name} is not in namespace {ServiceCatalog.Namespace}", obj.Object.Metadata.NamespaceProperty, ServiceCatalog.Namespace,
                    $"Set metadata.namespace to {ServiceCatalog.Namespace}.");
            }
        }
        foreach (var ingress in set.All<V1Ingress>())
        {
            var backends = (ingress.Spec?.Rules ?? []).SelectMany(r => r.Http?.Paths ?? []).Select(p => p.Backend?.Service).ToList();
            if (backends.Count == 0 || backends.Any(b => b is null || set.FindService(b.Name) is not { } target || !(target.Spec?.Ports ?? []).Any(p => p.Port == b.Port?.Number)))
            {
                yield return Warn(set, null, ingress, "spec.rules",
                    $"Ingress {ingress.Metadata.Name} sends traffic to a Service or port that does not exist", null,
                    $"Service {ServiceCatalog.Gateway.Name} port {ServiceCatalog.Gateway.ContainerPort}",
                    $"Send the Ingress to Service {ServiceCatalog.Gateway.Name} on port {ServiceCatalog.Gateway.ContainerPort}.");
            }
            if (backends.Any(b => b?.Name != ServiceCatalog.Gateway.Name))
            {
                yield return Warn(set, null, ingress, "spec.rules",
                    $"Ingress {ingress.Metadata.Name} bypasses the gateway", null, $"Service {ServiceCatalog.Gateway.Name}",
                    $"Route every Ingress path to Service {ServiceCatalog.Gateway.Name}.");
            }
        }
        foreach (var spec in ServiceCatalog.All)
        {
            var name = spec.Name;
            if (set.FindContainer(name) is not { } found || set.FindService(name) is not { } service)
            {
                continue; // The inventory check reports what is missing.
            }
            var deployment = found.Deployment;
            var pod = deployment.Spec.Template.Spec;
            var container = found.Container;
            var path = found.Path;
            var dotnet = name != ServiceCatalog.Gateway.Name;

            foreach (var (what, labels, resource, field) in new (string, IDictionary<string, string>?, IKubernetesObject<V1ObjectMeta>, string)[]
                {
                    ("Deployment", deployment.Metadata.Labels, deployment, "metadata.labels"),
                    ("pod template", deployment.Spec.Template.Metadata?.Labels, deployment, "spec.template.metadata.labels"),
                    ("Service", service.Metadata.Labels, service, "metadata.labels"),
                })
            {
                if (labels is null || labels.Count != 1 || !labels.TryGetValue("app", out var app) || app != name)
                {
                    yield return Warn(set, name, resource, field, $"{name} {what} labels are not exactly app={name}", labels.Format(), $"app={name}",
                        $"Label the {what} app={name} and nothing else.");
                }
            }
            if (deployment.Spec.Replicas != Replicas[name])
            {
                yield return Warn(set, name, deployment, "spec.replicas", $"{name} has {deployment.Spec.Replicas} replicas; expected {Replicas[name]}",
                    Text(deployment.Spec.Replicas), Text(Replicas[name]), $"Set spec.replicas to {Replicas[name]}.");
            }
            if (service.Spec?.Type != "ClusterIP")
            {
                yield return Warn(set, name, service, "spec.type", $"Service {name} is of type {service.Spec?.Type ?? "(unset)"}, not ClusterIP",
                    service.Spec?.Type, "ClusterIP", "Set spec.type to ClusterIP; the Ingress and port-forward are the ways in.");
            }
            var servicePorts = service.Spec?.Ports ?? [];
            if (servicePorts.Count != 1 || servicePorts[0].Port != spec.ContainerPort || servicePorts[0].TargetPort?.Value != Text(spec.ContainerPort))
            {
                yield return Warn(set, name, service, "spec.ports", $"Service {name} does not expose port {spec.ContainerPort} to container port {spec.ContainerPort}",
                    string.Join(",", servicePorts.Select(p => $"{p.Port}->{p.TargetPort?.Value}")), $"{spec.ContainerPort}->{spec.ContainerPort}",
                    $"Give the Service one port {spec.ContainerPort} with targetPort {spec.ContainerPort}.");
            }
            if (container.ImagePullPolicy != "IfNotPresent")
            {
                yield return Warn(set, name, deployment, $"{path}.imagePullPolicy", $"{name} imagePullPolicy is {container.ImagePullPolicy ?? "(unset)"}, not IfNotPresent",
                    container.ImagePullPolicy, "IfNotPresent", "Set imagePullPolicy: IfNotPresent, so the images imported into k3d are used.");
            }
            foreach (var resource in new[] { "cpu", "memory" })
            {
                if (container.Resources?.Requests?.ContainsKey(resource) != true || container.Resources?.Limits?.ContainsKey(resource) != true)
                {
                    yield return Warn(set, name, deployment, $"{path}.resources", $"{name} lacks a {resource} request or limit", null, $"a {resource} request and limit",
                        $"Set resources.requests.{resource} and resources.limits.{resource}.");
                }
            }
            if (container.MemoryRequestMiB() is { } request && container.MemoryLimitMiB() is { } limit && request > limit)
            {
                yield return Warn(set, name, deployment, $"{path}.resources.requests.memory", $"{name} requests more memory than its limit",
                    $"{request}Mi", $"<= {limit}Mi", "Lower the memory request to at most the limit.");
            }

            var podSecurity = pod.SecurityContext;
            var expectedUid = dotnet ? DotnetAppUid : NginxUid;
            if (podSecurity?.RunAsNonRoot != true || podSecurity.RunAsUser != expectedUid || podSecurity.RunAsGroup != expectedUid
                || podSecurity.SeccompProfile?.Type != "RuntimeDefault")
            {
                yield return Warn(set, name, deployment, "spec.template.spec.securityContext",
                    $"{name} pod securityContext is not non-root {expectedUid}:{expectedUid} with the RuntimeDefault seccomp profile",
                    null, $"runAsNonRoot, runAsUser/runAsGroup {expectedUid}, seccompProfile RuntimeDefault",
                    $"Run the pod as user and group {expectedUid}, non-root, with the RuntimeDefault seccomp profile.");
            }
            if (pod.AutomountServiceAccountToken != false)
            {
                yield return Warn(set, name, deployment, "spec.template.spec.automountServiceAccountToken", $"{name} mounts a service account token it never uses",
                    Text(pod.AutomountServiceAccountToken), "false", "Set automountServiceAccountToken: false.");
            }
            var security = container.SecurityContext;
            if (security?.AllowPrivilegeEscalation != false || security.ReadOnlyRootFilesystem != true
                || security.Capabilities?.Drop is not ["ALL"] || security.Capabilities.Add is { Count: > 0 } || security.Privileged == true)
            {
                yield return Warn(set, name, deployment, $"{path}.securityContext",
                    $"{name} container securityContext is not: no privilege escalation, read-only root filesystem, all capabilities dropped",
                    null, "allowPrivilegeEscalation false, readOnlyRootFilesystem true, capabilities drop ALL",
                    "Forbid privilege escalation, make the root filesystem read-only and drop all capabilities.");
            }

            var mounts = container.VolumeMounts ?? [];
            var volumes = pod.Volumes ?? [];
            foreach (var mount in mounts)
            {
                if (!volumes.Any(v => v.Name == mount.Name))
                {
                    yield return Warn(set, name, deployment, $"{path}.volumeMounts[{mount.Name}]", $"{name} mounts volume {mount.Name}, which the pod does not declare",
                        mount.Name, "a volume declared in spec.template.spec.volumes", $"Declare the volume {mount.Name} or remove the mount.", Severity.Error);
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
                    yield return Warn(set, name, deployment, $"{path}.env[DOTNET_EnableDiagnostics].value",
                        $"{name} does not set DOTNET_EnableDiagnostics=0 (a read-only filesystem has no room for the diagnostics socket)",
                        container.EnvValue("DOTNET_EnableDiagnostics"), "0", "Set DOTNET_EnableDiagnostics=0.");
                }
                if (container.EnvValue("OTEL_SERVICE_NAME") != name || container.EnvValue("OTEL_EXPORTER_OTLP_ENDPOINT") != OtlpEndpoint)
                {
                    yield return Warn(set, name, deployment, $"{path}.env[OTEL_EXPORTER_OTLP_ENDPOINT].value",
                        $"{name} does not report telemetry as {name} to {OtlpEndpoint}",
                        container.EnvValue("OTEL_EXPORTER_OTLP_ENDPOINT"), OtlpEndpoint,
                        $"Set OTEL_SERVICE_NAME={name} and OTEL_EXPORTER_OTLP_ENDPOINT={OtlpEndpoint}.");
                }
                if (container.EnvValue("PORT") != Text(spec.ContainerPort))
                {
                    yield return Warn(set, name, deployment, $"{path}.env[PORT].value", $"{name} PORT is not {spec.ContainerPort}",
                        container.EnvValue("PORT"), Text(spec.ContainerPort), $"Set PORT={spec.ContainerPort}.", Severity.Error);
                }
                if (spec.Variables.Any(v => v.Name == "DATA_DIR") && (container.EnvValue("DATA_DIR") is not { } dataDir || !persistent.Contains(dataDir)))
                {
                    yield return Warn(set, name, deployment, $"{path}.env[DATA_DIR].value",
                        $"{name} DATA_DIR is not a writable PersistentVolumeClaim mount (acknowledged orders must outlive the pod)",
                        container.EnvValue("DATA_DIR"), "the mount path of a PersistentVolumeClaim volume",
                        "Mount a PersistentVolumeClaim and point DATA_DIR at it.");
                }
                if (name == ServiceCatalog.Database.Name && !writable.Contains("/tmp"))
                {
                    yield return Warn(set, name, deployment, $"{path}.volumeMounts", $"{name} has no writable /tmp for SQLite's temporary files",
                        null, "an emptyDir mounted at /tmp", "Mount an emptyDir at /tmp.");
                }
            }
            else
            {
                foreach (var dir in new[] { "/tmp", "/var/cache/nginx", "/var/run" })
                {
                    if (!writable.Contains(dir))
                    {
                        yield return Warn(set, name, deployment, $"{path}.volumeMounts", $"gateway has no writable emptyDir at {dir}",
                            null, $"an emptyDir mounted at {dir}", $"Mount an emptyDir at {dir}; nginx writes there and the root filesystem is read-only.");
                    }
                }
                if (podSecurity?.Sysctls?.Any(s => s.Name == "net.ipv4.ip_unprivileged_port_start" && s.Value == "0") != true)
                {
                    yield return Warn(set, name, deployment, "spec.template.spec.securityContext.sysctls",
                        "gateway pod does not let its non-root nginx listen on port 80 (sysctl net.ipv4.ip_unprivileged_port_start=0)",
                        null, "net.ipv4.ip_unprivileged_port_start=0", "Add the sysctl net.ipv4.ip_unprivileged_port_start=0 to the pod securityContext.");
                }
                var config = mounts.FirstOrDefault(m => m.MountPath == "/etc/nginx/nginx.conf");
                var configVolume = volumes.FirstOrDefault(v => v.Name == config?.Name);
                if (config?.SubPath != "nginx.conf" || configVolume?.ConfigMap?.Name != "gateway-config")
                {
                    yield return Warn(set, name, deployment, $"{path}.volumeMounts",
                        "gateway does not mount nginx.conf from ConfigMap gateway-config at /etc/nginx/nginx.conf",
                        config?.Name, "ConfigMap gateway-config, subPath nginx.conf, at /etc/nginx/nginx.conf",
                        "Mount the nginx.conf key of ConfigMap gateway-config at /etc/nginx/nginx.conf (subPath nginx.conf).", Severity.Error);
                }
            }
        }
    }

    static Finding Warn(ManifestSet set, string? service, IKubernetesObject<V1ObjectMeta> resource, string field, string summary,
        string? value, string? expected, string fix, Severity severity = Severity.Warning) =>
        ProblemBuilder.Problem(set, CheckNames.Hardening, service, field, resource, field, summary, value, expected,
            "The manifest departs from how the lab runs its components (see k8s/day-4/solution/ for the reference).",
            fix,
            severity == Severity.Error ? "The component may fail to start or to answer." : "Nothing visible at first.",
            severity == Severity.Error ? "The component may be unavailable." : "A weaker or less predictable deployment than the lab's reference.",
            severity);

    static string? Text(int? value) => value?.ToString(CultureInfo.InvariantCulture);

    static string? Text(bool? value) => value?.ToString().ToLowerInvariant();
}
