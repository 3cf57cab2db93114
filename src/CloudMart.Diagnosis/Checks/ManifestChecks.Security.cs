using CloudMart.Manifests;
using CloudMart.Catalog;
using k8s.Models;

namespace CloudMart.Diagnosis.Checks;

/// <summary>The hardening habits about users, privileges, volumes and each kind of component's own needs.</summary>
public static partial class ManifestChecks
{
    public static IEnumerable<Departure> PodSecurity(HardenedComponent c)
    {
        var security = c.Pod.SecurityContext;
        var uid = c.IsDotnet ? DotnetAppUid : NginxUid;
        if (security?.RunAsNonRoot != true || security.RunAsUser != uid || security.RunAsGroup != uid || security.SeccompProfile?.Type != "RuntimeDefault")
        {
            yield return new Departure(c.Deployment, "spec.template.spec.securityContext", c.Name)
            {
                Summary = $"{c.Name} pod securityContext is not non-root {uid}:{uid} with the RuntimeDefault seccomp profile",
                Expected = $"runAsNonRoot, runAsUser/runAsGroup {uid}, seccompProfile RuntimeDefault",
                Fix = $"Run the pod as user and group {uid}, non-root, with the RuntimeDefault seccomp profile.",
            };
        }
    }

    public static IEnumerable<Departure> NoServiceAccountToken(HardenedComponent c)
    {
        if (c.Pod.AutomountServiceAccountToken != false)
        {
            yield return new Departure(c.Deployment, "spec.template.spec.automountServiceAccountToken", c.Name)
            {
                Summary = $"{c.Name} mounts a service account token it never uses",
                Value = Text(c.Pod.AutomountServiceAccountToken),
                Expected = "false",
                Fix = "Set automountServiceAccountToken: false.",
            };
        }
    }

    public static IEnumerable<Departure> ContainerSecurity(HardenedComponent c)
    {
        var security = c.Container.SecurityContext;
        if (security?.AllowPrivilegeEscalation != false || security.ReadOnlyRootFilesystem != true
            || security.Capabilities?.Drop is not ["ALL"] || security.Capabilities.Add is { Count: > 0 } || security.Privileged == true)
        {
            yield return new Departure(c.Deployment, $"{c.Path}.securityContext", c.Name)
            {
                Summary = $"{c.Name} container securityContext is not: no privilege escalation, read-only root filesystem, all capabilities dropped",
                Expected = "allowPrivilegeEscalation false, readOnlyRootFilesystem true, capabilities drop ALL",
                Fix = "Forbid privilege escalation, make the root filesystem read-only and drop all capabilities.",
            };
        }
    }

    public static IEnumerable<Departure> DeclaredVolumes(HardenedComponent c) =>
        from mount in c.Mounts
        where !c.Volumes.Any(v => v.Name == mount.Name)
        select new Departure(c.Deployment, $"{c.Path}.volumeMounts[{mount.Name}]", c.Name)
        {
            Severity = Severity.Error,
            Summary = $"{c.Name} mounts volume {mount.Name}, which the pod does not declare",
            Value = mount.Name,
            Expected = "a volume declared in spec.template.spec.volumes",
            Fix = $"Declare the volume {mount.Name} or remove the mount.",
        };

    /// <summary>A .NET service on a read-only filesystem has no room for the diagnostics socket.</summary>
    public static IEnumerable<Departure> DiagnosticsOff(HardenedComponent c)
    {
        if (c.IsDotnet && c.Container.EnvValue("DOTNET_EnableDiagnostics") != "0")
        {
            yield return EnvDeparture(c, "DOTNET_EnableDiagnostics",
                $"{c.Name} does not set DOTNET_EnableDiagnostics=0 (a read-only filesystem has no room for the diagnostics socket)",
                "0", "Set DOTNET_EnableDiagnostics=0.");
        }
    }

    public static IEnumerable<Departure> Telemetry(HardenedComponent c)
    {
        if (c.IsDotnet && (c.Container.EnvValue("OTEL_SERVICE_NAME") != c.Name || c.Container.EnvValue("OTEL_EXPORTER_OTLP_ENDPOINT") != OtlpEndpoint))
        {
            yield return EnvDeparture(c, "OTEL_EXPORTER_OTLP_ENDPOINT", $"{c.Name} does not report telemetry as {c.Name} to {OtlpEndpoint}",
                OtlpEndpoint, $"Set OTEL_SERVICE_NAME={c.Name} and OTEL_EXPORTER_OTLP_ENDPOINT={OtlpEndpoint}.");
        }
    }

    /// <summary>The service listens on its container port: PORT says so, or is absent and the service's own default is that port.</summary>
    public static IEnumerable<Departure> PortVariable(HardenedComponent c)
    {
        var port = Port(c.Spec.ContainerPort);
        var listens = c.Container.EnvValue("PORT") ?? c.Spec.Variables.FirstOrDefault(v => v.Name == "PORT")?.Default;
        if (c.IsDotnet && listens != port)
        {
            yield return EnvDeparture(c, "PORT", $"{c.Name} PORT is not {c.Spec.ContainerPort}", port, $"Set PORT={c.Spec.ContainerPort}.") with { Severity = Severity.Error };
        }
    }

    /// <summary>Acknowledged orders must outlive the pod.</summary>
    public static IEnumerable<Departure> DataDirOnVolume(HardenedComponent c)
    {
        if (c.IsDotnet && c.Spec.Variables.Any(v => v.Name == "DATA_DIR") && (c.Container.EnvValue("DATA_DIR") is not { } dataDir || !c.Persistent.Contains(dataDir)))
        {
            yield return EnvDeparture(c, "DATA_DIR",
                $"{c.Name} DATA_DIR is not a writable PersistentVolumeClaim mount (acknowledged orders must outlive the pod)",
                "the mount path of a PersistentVolumeClaim volume", "Mount a PersistentVolumeClaim and point DATA_DIR at it.");
        }
    }

    public static IEnumerable<Departure> DatabaseTmp(HardenedComponent c)
    {
        if (c.Name == ServiceCatalog.Database.Name && !c.Writable.Contains("/tmp"))
        {
            yield return Mounts(c, $"{c.Name} has no writable /tmp for SQLite's temporary files", "an emptyDir mounted at /tmp", "Mount an emptyDir at /tmp.");
        }
    }

    public static IEnumerable<Departure> GatewayWritableDirs(HardenedComponent c) =>
        from dir in new[] { "/tmp", "/var/cache/nginx", "/var/run" }
        where !c.IsDotnet && !c.Writable.Contains(dir)
        select Mounts(c, $"gateway has no writable emptyDir at {dir}", $"an emptyDir mounted at {dir}",
            $"Mount an emptyDir at {dir}; nginx writes there and the root filesystem is read-only.");

    /// <summary>
    /// No pod asks for a sysctl. The components listen on unprivileged ports and need none, and
    /// a kubelet refuses a pod whose sysctl it deems unsafe (SysctlForbidden), which for
    /// net.ipv4.ip_unprivileged_port_start is every kubelet before 1.22: the ReplicaSet then
    /// makes rejected pods without end.
    /// </summary>
    public static IEnumerable<Departure> NoSysctls(HardenedComponent c)
    {
        if (c.Pod.SecurityContext?.Sysctls is { Count: > 0 } sysctls)
        {
            yield return new Departure(c.Deployment, "spec.template.spec.securityContext.sysctls", c.Name)
            {
                Summary = $"{c.Name} pod asks for sysctls ({string.Join(", ", sysctls.Select(s => s.Name))}), which older kubelets refuse",
                Value = string.Join(",", sysctls.Select(s => $"{s.Name}={s.Value}")),
                Expected = "no sysctls",
                Fix = $"Remove the sysctls; {c.Name} listens on port {c.Spec.ContainerPort}, which needs no privilege.",
            };
        }
    }

    public static IEnumerable<Departure> GatewayConfig(HardenedComponent c)
    {
        var config = c.Mounts.FirstOrDefault(m => m.MountPath == "/etc/nginx/nginx.conf");
        var volume = c.Volumes.FirstOrDefault(v => v.Name == config?.Name);
        if (!c.IsDotnet && (config?.SubPath != "nginx.conf" || volume?.ConfigMap?.Name != GatewayConfigMap))
        {
            yield return Mounts(c, "gateway does not mount nginx.conf from ConfigMap gateway-config at /etc/nginx/nginx.conf",
                "ConfigMap gateway-config, subPath nginx.conf, at /etc/nginx/nginx.conf",
                "Mount the nginx.conf key of ConfigMap gateway-config at /etc/nginx/nginx.conf (subPath nginx.conf).") with
            {
                Value = config?.Name,
                Severity = Severity.Error,
            };
        }
    }

    static Departure EnvDeparture(HardenedComponent c, string variable, string summary, string expected, string fix) => new(c.Deployment, $"{c.Path}.env[{variable}].value", c.Name)
    {
        Summary = summary,
        Value = c.Container.EnvValue(variable),
        Expected = expected,
        Fix = fix,
    };

    static Departure Mounts(HardenedComponent c, string summary, string expected, string fix) => new(c.Deployment, $"{c.Path}.volumeMounts", c.Name)
    {
        Summary = summary,
        Expected = expected,
        Fix = fix,
    };
}
