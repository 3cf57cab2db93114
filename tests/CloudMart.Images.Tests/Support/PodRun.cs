using System.Globalization;
using System.Text;
using CloudMart.Manifests;
using k8s.Models;

namespace CloudMart.Images.Tests.Support;

/// <summary>
/// A Deployment's one container, translated into the <c>docker run</c> that runs it as the kubelet
/// would: its image, environment (Secrets and ConfigMaps resolved from the same manifests), user,
/// read-only root, dropped capabilities, no privilege escalation, pod sysctls, CPU and memory
/// limits, and its volumes (a ConfigMap item as a read-only file, an emptyDir or a claim as a
/// tmpfs the user may write). A test may change a setting before the container starts.
/// </summary>
public sealed class PodRun
{
    PodRun(string service, string image) => (Service, Image) = (service, image);

    public string Service { get; }

    public string Image { get; set; }

    /// <summary>The names the container answers to on the lab's network: its Services' names.</summary>
    public List<string> Aliases { get; } = [];

    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    public string? User { get; set; }

    public long? MemoryBytes { get; set; }

    public decimal? Cpus { get; set; }

    public bool ReadOnlyRoot { get; set; }

    public bool DropAllCapabilities { get; set; }

    public bool NoNewPrivileges { get; set; }

    public List<string> Sysctls { get; } = [];

    /// <summary>Paths mounted as tmpfs (emptyDir, PersistentVolumeClaim).</summary>
    public List<string> ScratchPaths { get; } = [];

    /// <summary>(file on the host, path in the container) of the ConfigMap items mounted read-only.</summary>
    public List<(string Source, string Target)> Files { get; } = [];

    public List<string> Command { get; } = [];

    public int ContainerPort { get; private set; }

    /// <summary>Reads the Deployment called <paramref name="service"/> and the Services that select its pods.</summary>
    public static PodRun FromManifests(ManifestSet manifests, string service, string fileDir)
    {
        var deployment = manifests.Deployment(service);
        var pod = deployment.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);
        var run = new PodRun(service, container.Image)
        {
            ContainerPort = Assert.Single(container.Ports).ContainerPort,
        };

        var labels = deployment.Spec.Template.Metadata.Labels;
        foreach (var svc in manifests.Services.Where(s => s.Spec.Selector is { Count: > 0 } selector && selector.All(p => labels.TryGetValue(p.Key, out var v) && v == p.Value)))
        {
            // A docker network has no Service to map ports: a container is reached at its own port.
            // So the Service must forward to that port, and where its own port differs (the
            // gateway's 80, for callers outside the cluster) no container may call it by that port.
            foreach (var port in svc.Spec.Ports)
            {
                Assert.Equal(run.ContainerPort.ToString(CultureInfo.InvariantCulture), port.TargetPort?.Value ?? port.Port.ToString(CultureInfo.InvariantCulture));
                if (port.Port != run.ContainerPort)
                {
                    var byServicePort = $"://{svc.Metadata.Name}:{port.Port.ToString(CultureInfo.InvariantCulture)}";
                    var callers = manifests.Objects.Select(o => o.Object).OfType<V1Deployment>()
                        .SelectMany(d => d.Spec.Template.Spec.Containers).SelectMany(c => c.Env ?? [])
                        .Where(e => e.Value?.Contains(byServicePort, StringComparison.Ordinal) == true);
                    Assert.Empty(callers);
                }
            }
            run.Aliases.Add(svc.Metadata.Name);
        }

        foreach (var env in container.Env ?? [])
        {
            // An optional Secret the folder does not hold leaves the variable unset, as the kubelet does.
            if (env.Value is null && env.ValueFrom?.SecretKeyRef is { Optional: true } optional
                && !manifests.Objects.Any(o => o.Object is V1Secret s && s.Metadata.Name == optional.Name))
            {
                continue;
            }
            run.Environment[env.Name] = env.Value ?? ValueFrom(manifests, env.ValueFrom);
        }

        var podSecurity = pod.SecurityContext;
        var security = container.SecurityContext;
        var uid = security?.RunAsUser ?? podSecurity?.RunAsUser;
        var gid = security?.RunAsGroup ?? podSecurity?.RunAsGroup;
        run.User = uid is null ? null : gid is null ? $"{uid}" : $"{uid}:{gid}";
        run.ReadOnlyRoot = security?.ReadOnlyRootFilesystem == true;
        run.DropAllCapabilities = security?.Capabilities?.Drop?.Contains("ALL") == true;
        run.NoNewPrivileges = security?.AllowPrivilegeEscalation == false;
        run.Sysctls.AddRange((podSecurity?.Sysctls ?? []).Select(s => $"{s.Name}={s.Value}"));

        if (container.Resources?.Limits is { } limits)
        {
            run.MemoryBytes = limits.TryGetValue("memory", out var memory) ? memory.ToInt64() : null;
            run.Cpus = limits.TryGetValue("cpu", out var cpu) ? cpu.ToDecimal() : null;
        }

        foreach (var mount in container.VolumeMounts ?? [])
        {
            var volume = Assert.Single(pod.Volumes, v => v.Name == mount.Name);
            if (volume.ConfigMap is { } configMapVolume)
            {
                var data = manifests.Single<V1ConfigMap>(configMapVolume.Name).Data;
                Assert.False(string.IsNullOrEmpty(mount.SubPath), $"{service}: only ConfigMap items mounted with subPath are translated");
                var file = Path.Combine(fileDir, $"{service}-{mount.Name}-{mount.SubPath}");
                File.WriteAllText(file, data[mount.SubPath]);
                run.Files.Add((file, mount.MountPath));
            }
            else
            {
                Assert.True(volume.EmptyDir is not null || volume.PersistentVolumeClaim is not null, $"{service}: volume {volume.Name} is of a kind these tests do not translate");
                run.ScratchPaths.Add(mount.MountPath);
            }
        }

        run.Command.AddRange(container.Command ?? []);
        run.Command.AddRange(container.Args ?? []);
        return run;
    }

    static string ValueFrom(ManifestSet manifests, V1EnvVarSource? source)
    {
        if (source?.SecretKeyRef is { } secretKey)
        {
            var secret = manifests.Single<V1Secret>(secretKey.Name);
            return secret.StringData?.TryGetValue(secretKey.Key, out var text) == true
                ? text
                : Encoding.UTF8.GetString(secret.Data[secretKey.Key]);
        }
        if (source?.ConfigMapKeyRef is { } configKey)
        {
            return manifests.Single<V1ConfigMap>(configKey.Name).Data[configKey.Key];
        }
        throw new InvalidOperationException("an env valueFrom of a kind these tests do not translate");
    }

    /// <summary>The arguments of <c>docker run</c> (detached) for this container on <paramref name="network"/>.</summary>
    public List<string> RunArguments(string name, string network)
    {
        var arguments = new List<string> { "run", "--detach", "--name", name, "--network", network };
        foreach (var alias in Aliases)
        {
            arguments.AddRange(["--network-alias", alias]);
        }
        foreach (var (key, value) in Environment)
        {
            arguments.AddRange(["--env", $"{key}={value}"]);
        }
        if (User is not null)
        {
            arguments.AddRange(["--user", User]);
        }
        if (ReadOnlyRoot)
        {
            arguments.Add("--read-only");
        }
        if (DropAllCapabilities)
        {
            arguments.AddRange(["--cap-drop", "ALL"]);
        }
        if (NoNewPrivileges)
        {
            arguments.AddRange(["--security-opt", "no-new-privileges"]);
        }
        foreach (var sysctl in Sysctls)
        {
            arguments.AddRange(["--sysctl", sysctl]);
        }
        if (MemoryBytes is { } memory)
        {
            // No swap beyond the limit, as in a Kubernetes node.
            arguments.AddRange(["--memory", $"{memory}b", "--memory-swap", $"{memory}b"]);
        }
        if (Cpus is { } cpus)
        {
            arguments.AddRange(["--cpus", cpus.ToString(CultureInfo.InvariantCulture)]);
        }
        foreach (var path in ScratchPaths)
        {
            arguments.AddRange(["--mount", $"type=tmpfs,destination={path},tmpfs-mode=1777"]);
        }
        foreach (var (source, target) in Files)
        {
            arguments.AddRange(["--mount", $"type=bind,source={source},target={target},readonly"]);
        }
        arguments.Add(Image);
        arguments.AddRange(Command);
        return arguments;
    }
}
