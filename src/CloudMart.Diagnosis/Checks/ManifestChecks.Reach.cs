using CloudMart.Manifests;
using CloudMart.Catalog;

namespace CloudMart.Diagnosis.Checks;

/// <summary>
/// Settings that are valid Kubernetes and pass every start-up check, yet stop a request from
/// arriving or succeeding: traffic sent to a port nobody listens on, images the node cannot pull,
/// a switch that turns away the guide's own checkout.
/// </summary>
public static partial class ManifestChecks
{
    /// <summary>Each Service of a component delivers to the port that component listens on (a number, or a name its container declares).</summary>
    public static IEnumerable<Finding> ServiceTargetPorts(ManifestSet set, BuiltImages images) =>
        from c in Containers(set)
        let service = set.FindService(c.Spec.Name)
        where service?.Spec?.Ports is not null
        from i in Enumerable.Range(0, service.Spec.Ports.Count)
        let port = service.Spec.Ports[i]
        // An unset targetPort means the same number as port.
        let target = port.TargetPort?.Value ?? Port(port.Port)
        where c.Found.Container.PortNumber(target) != c.Spec.ContainerPort
        let name = c.Spec.Name
        select new Finding(CheckNames.Selectors, name, "targetPort", set.Locate(service, $"spec.ports[{i}]"))
        {
            Summary = $"Service {name} sends its traffic to port {target}, where {name} does not listen",
            Value = target,
            Expected = Port(c.Spec.ContainerPort),
            RootCause = c.Found.Container.PortNumber(target) < 0
                ? $"targetPort {target} is a name the {name} container does not declare, so the Service has no port to deliver to."
                : $"{name} listens on {c.Spec.ContainerPort}; the Service forwards to {target}, where nothing listens.",
            Fix = $"Set the Service's targetPort to {c.Spec.ContainerPort}.",
            Symptom = $"Connections to Service {name} are refused or time out although its pods are ready.",
            Impact = $"Everything that calls {name} fails.",
        };

    /// <summary>The images build-and-import.sh imports into k3d exist on the nodes only: a pull policy of Always makes the kubelet look for them in a registry.</summary>
    public static IEnumerable<Finding> PullPolicies(ManifestSet set, BuiltImages images) =>
        from deployment in set.Deployments
        let containers = deployment.Spec?.Template?.Spec?.Containers ?? []
        from i in Enumerable.Range(0, containers.Count)
        let container = containers[i]
        where images.Contains(container.Image) && container.EffectivePullPolicy() == "Always"
        let name = deployment.Metadata.Name
        let written = container.ImagePullPolicy is { Length: > 0 } policy ? $"imagePullPolicy {policy}" : $"no imagePullPolicy (Always, for the tag of {container.Image})"
        select new Finding(CheckNames.Images, name, "imagePullPolicy", set.Locate(deployment, $"spec.template.spec.containers[{i}].imagePullPolicy"))
        {
            Summary = $"{name} has {written}, but {container.Image} exists only where k3d imported it",
            Value = container.ImagePullPolicy,
            Expected = "IfNotPresent",
            RootCause = $"build-and-import.sh puts {container.Image} on the nodes with k3d image import; no registry has it. With Always the kubelet pulls before every start and fails.",
            Fix = "Set imagePullPolicy: IfNotPresent.",
            Symptom = $"{name} pods stay in ErrImagePull / ImagePullBackOff although the image is on the node.",
            Impact = $"{name} never runs.",
        };

    /// <summary>Settings the guide's requests depend on: its curl sends no token, so guest checkout must stay on.</summary>
    static readonly (ServiceSpec Service, string Variable, string Breaks)[] GuideSettings =
    [
        (ServiceCatalog.Auth, "ALLOW_GUEST_CHECKOUT", "the guide's POST /api/orders sends no Authorization header, and is then refused with 401"),
    ];

    /// <summary>No setting turns away the requests the learner's guide sends.</summary>
    public static IEnumerable<Finding> GuideRequests(ManifestSet set, BuiltImages images) =>
        from setting in GuideSettings
        let found = set.FindContainer(setting.Service.Name)
        where found is not null
        let value = found.Container.EnvValue(setting.Variable)
        let wanted = setting.Service.Variable(setting.Variable).Default!
        where value is not null && ServiceVariables.IsValid(setting.Service.Variable(setting.Variable), value) && Flag(value) != Flag(wanted)
        select new Finding(CheckNames.Variables, setting.Service.Name, $"guide:{setting.Variable}", set.Locate(found, $"env[{setting.Variable}].value"))
        {
            Summary = $"{setting.Service.Name} {setting.Variable}={value}: {setting.Breaks}",
            Value = value,
            Expected = $"{wanted} (or remove it)",
            RootCause = $"{setting.Variable}={value} turns off what the lab relies on: {setting.Breaks}.",
            Fix = $"Set {setting.Variable} to {wanted}, or remove it.",
            Symptom = "curl -X POST .../api/orders without a token gets 401 Unauthorized.",
            Impact = "The lab's checkout, and every check built on it, fails.",
        };

    /// <summary>A boolean setting as the services read it ("1" and "0" too).</summary>
    static bool? Flag(string value) => value switch
    {
        "1" => true,
        "0" => false,
        _ => bool.TryParse(value, out var flag) ? flag : null,
    };
}
