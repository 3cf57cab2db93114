using System.Globalization;
using CloudMart.Manifests;
using CloudMart.Catalog;
using k8s.Models;

namespace CloudMart.Diagnosis.Checks;

/// <summary>What each service container runs and how it is watched: ports, probes, image, memory, chaos.</summary>
public static partial class ManifestChecks
{
    /// <summary>Each container declares the port its service listens on, and only it.</summary>
    public static IEnumerable<Finding> DeclaredPorts(ManifestSet set, BuiltImages images)
    {
        foreach (var (spec, found) in Containers(set))
        {
            var ports = DeclaredPortsOf(found.Container);
            if (ports.SetEquals([spec.ContainerPort]))
            {
                continue;
            }
            yield return new Finding(CheckNames.Probes, spec.Name, "ports", set.Locate(found, "ports"))
            {
                Severity = Severity.Warning,
                Summary = $"{spec.Name} declares container ports {string.Join(",", ports)}; it listens on {spec.ContainerPort}",
                Value = string.Join(",", ports),
                Expected = Port(spec.ContainerPort),
                RootCause = $"{spec.Name} listens on port {spec.ContainerPort} (its PORT), and the container declares {(ports.Count == 0 ? "no port" : string.Join(",", ports))}.",
                Fix = $"Declare containerPort {spec.ContainerPort}, and only it.",
                Symptom = "Probes or Services aimed at the declared port find nothing listening.",
                Impact = $"{spec.Name} may be restarted or never become ready.",
            };
        }
    }

    static HashSet<int> DeclaredPortsOf(V1Container container) => container.Ports?.Select(p => p.ContainerPort).ToHashSet() ?? [];

    /// <summary>The readiness and the liveness probe of each service container, by kind (null when absent).</summary>
    static IEnumerable<(ServiceSpec Spec, ContainerRef Found, string Kind, V1Probe? Probe)> ProbesOf(ManifestSet set) =>
        from c in Containers(set)
        from probe in new[] { ("readinessProbe", c.Found.Container.ReadinessProbe), ("livenessProbe", c.Found.Container.LivenessProbe) }
        select (c.Spec, c.Found, probe.Item1, probe.Item2);

    /// <summary>Each container has an HTTP readiness and liveness probe.</summary>
    public static IEnumerable<Finding> ProbesPresent(ManifestSet set, BuiltImages images) =>
        from p in ProbesOf(set)
        where p.Probe?.HttpGet is null
        let readiness = p.Kind == "readinessProbe"
        select new Finding(CheckNames.Probes, p.Spec.Name, $"{p.Kind}.missing", set.Locate(p.Found, p.Kind))
        {
            Severity = Severity.Warning,
            Summary = $"{p.Spec.Name} has no HTTP {p.Kind}",
            Expected = $"httpGet /health on port {p.Spec.ContainerPort}",
            RootCause = $"Without an HTTP {p.Kind}, Kubernetes cannot tell whether {p.Spec.Name} answers.",
            Fix = $"Add an httpGet {p.Kind} on path /health, port {p.Spec.ContainerPort}.",
            Symptom = readiness ? "Pods receive traffic before they can answer it." : "A hung process is never restarted.",
            Impact = readiness ? "Requests fail while a pod starts." : "A stuck pod keeps failing requests until someone restarts it.",
        };

    /// <summary>Each probe asks /health, which every component answers.</summary>
    public static IEnumerable<Finding> ProbePaths(ManifestSet set, BuiltImages images) =>
        from p in ProbesOf(set)
        where p.Probe?.HttpGet is { } get && get.Path != "/health"
        let path = p.Probe!.HttpGet.Path
        select new Finding(CheckNames.Probes, p.Spec.Name, $"{p.Kind}.path", set.Locate(p.Found, $"{p.Kind}.httpGet.path"))
        {
            Summary = $"{p.Spec.Name} {p.Kind} asks {path}, not /health",
            Value = path,
            Expected = "/health",
            RootCause = $"Every CloudMart component answers GET /health with 200; {path} is not that endpoint.",
            Fix = $"Set {p.Kind}.httpGet.path to /health.",
            Symptom = p.Kind == "livenessProbe" ? "The pod restarts again and again." : "The pod never becomes ready.",
            Impact = $"{p.Spec.Name} is unavailable.",
        };

    /// <summary>Each probe asks the port the component listens on, which the container declares.</summary>
    public static IEnumerable<Finding> ProbePorts(ManifestSet set, BuiltImages images) =>
        from p in ProbesOf(set)
        where p.Probe?.HttpGet is not null
        let port = p.Probe!.HttpPort(p.Found.Container)
        where port != p.Spec.ContainerPort || !DeclaredPortsOf(p.Found.Container).Contains(port)
        let current = p.Probe.HttpGet.Port?.Value ?? "(unset)"
        let name = p.Spec.Name
        select new Finding(CheckNames.Probes, name, $"{p.Kind}.port", set.Locate(p.Found, $"{p.Kind}.httpGet.port"))
        {
            Summary = $"{name} {p.Kind} port {(port < 0 ? current : Port(port))} is not the container port {p.Spec.ContainerPort}",
            Value = current,
            Expected = Port(p.Spec.ContainerPort),
            RootCause = port < 0
                ? $"The {p.Kind} of {name} asks the port named {current}, which the container does not declare; the kubelet cannot resolve it and the probe fails every time."
                : $"The {p.Kind} of {name} asks port {current}, but the service listens only on {p.Spec.ContainerPort}; the kubelet's check is refused every time.",
            Fix = $"Set {p.Kind}.httpGet.port to {p.Spec.ContainerPort}.",
            Symptom = p.Kind == "livenessProbe"
                ? $"{name} pods restart over and over; events say the liveness probe failed."
                : $"{name} pods never become ready; the Service has no endpoints.",
            Impact = $"{name} is unavailable or keeps dropping requests.",
        };

    /// <summary>Every image is one that build-and-import.sh builds and imports.</summary>
    public static IEnumerable<Finding> Images(ManifestSet set, BuiltImages images) =>
        from deployment in set.Deployments
        let containers = deployment.Spec?.Template?.Spec?.Containers ?? []
        from i in Enumerable.Range(0, containers.Count)
        let image = containers[i].Image
        where !images.Contains(image)
        let name = deployment.Metadata.Name
        let built = image is null ? null : images.SameRepository(image)
        select new Finding(CheckNames.Images, name, "image", set.Locate(deployment, $"spec.template.spec.containers[{i}].image"))
        {
            Summary = $"{name} runs image {image}, which build-and-import.sh does not produce",
            Value = image,
            Expected = built ?? string.Join(" or ", images.Images),
            RootCause = $"The cluster gets its images from build-and-import.sh, which builds only {string.Join(", ", images.Images)}; nothing builds or imports {image}, and no registry has it.",
            Fix = built is null ? "Use one of the images the build script produces." : $"Set the image to {built}.",
            Symptom = $"{name} pods stay in ErrImagePull / ImagePullBackOff.",
            Impact = $"{name} never runs.",
        };

    /// <summary>Each memory limit covers what the service measurably needs under load (a missing limit is the hardening check's business).</summary>
    public static IEnumerable<Finding> Memory(ManifestSet set, BuiltImages images) =>
        from c in Containers(set)
        let limit = c.Found.Container.MemoryLimitMiB()
        where limit is { } l && l < c.Spec.MemoryNeedMiB
        let spec = c.Spec
        let suggested = SuggestedLimitMiB(spec.MemoryNeedMiB)
        let current = c.Found.Container.Resources.Limits["memory"].ToString()
        select new Finding(CheckNames.Memory, spec.Name, "limit", set.Locate(c.Found, "resources.limits.memory"))
        {
            Summary = $"{spec.Name} memory limit {limit}Mi is below its need of {spec.MemoryNeedMiB}Mi",
            Value = current,
            Expected = $">= {spec.MemoryNeedMiB}Mi (for example {suggested}Mi)",
            RootCause = $"{spec.Name} uses about {spec.MemoryNeedMiB}Mi under load (its measured need), and the limit of {current} is below that: the kernel kills it when it gets there.",
            Fix = $"Raise resources.limits.memory to {suggested}Mi, which covers the {spec.MemoryNeedMiB}Mi need with room to spare.",
            Symptom = $"{spec.Name} is OOMKilled under load (exit code 137) and restarts.",
            Impact = $"Requests to {spec.Name} fail each time it is killed.",
        };

    /// <summary>No store call fails on purpose.</summary>
    public static IEnumerable<Finding> Chaos(ManifestSet set, BuiltImages images) =>
        from c in Containers(set)
        let rate = c.Found.Container.EnvValue("CHAOS_FAILURE_RATE")
        let value = Number(rate)
        where value > 0
        let spec = c.Spec
        let variable = spec.Variables.FirstOrDefault(v => v.Name == "CHAOS_FAILURE_RATE")
        let percent = Math.Round(Math.Min(value.Value, 1) * 100).ToString(CultureInfo.InvariantCulture)
        select new Finding(CheckNames.Chaos, spec.Name, "CHAOS_FAILURE_RATE", set.Locate(c.Found, "env[CHAOS_FAILURE_RATE].value"))
        {
            Summary = $"{spec.Name} CHAOS_FAILURE_RATE={rate} fails store calls on purpose",
            Value = rate,
            Expected = variable?.Default is { } fallback ? $"{fallback} (or remove it)" : "remove it",
            RootCause = $"CHAOS_FAILURE_RATE={rate} tells {spec.Name} to fail about {percent}% of store calls with 500 on purpose; it is a testing switch left on.",
            Fix = $"Set CHAOS_FAILURE_RATE to {variable?.Default ?? "0"}, or remove it.",
            Symptom = $"About {percent}% of the calls to {spec.Name} fail with 500, logged as 'Injected failure'.",
            Impact = "Checkout fails at random.",
        };

    static double? Number(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
}
