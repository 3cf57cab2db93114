using System.Globalization;
using CloudMart.Manifests;
using CloudMart.Catalog;
using k8s.Models;

namespace CloudMart.Diagnosis.Checks;

/// <summary>
/// One rule a manifest set (or a cluster's live objects) must follow to run CloudMart healthily.
/// It compares the objects with the service catalog, the one place that says which port each
/// component listens on, which variables it needs and what memory it uses, and returns a finding
/// for every difference (none when the rule holds).
/// </summary>
public delegate IEnumerable<Finding> ManifestRule(ManifestSet set, BuiltImages images);

/// <summary>A named check: the rules whose findings it reports, in order.</summary>
public sealed record ManifestCheck(string Name, IReadOnlyList<ManifestRule> Rules)
{
    public IEnumerable<Finding> Run(ManifestSet set, BuiltImages images) =>
        Rules.SelectMany(rule => rule(set, images)).Select(finding => finding.Classified());
}

public static partial class ManifestChecks
{
    /// <summary>The checks a diagnosis runs, in order, each with its rules.</summary>
    public static IReadOnlyList<ManifestCheck> All { get; } =
    [
        new(CheckNames.Inventory, [Inventory]),
        new(CheckNames.Selectors, [ServiceSelectors, DeploymentSelectors, ServicePerDeployment, ServiceTargetPorts]),
        new(CheckNames.Probes, [DeclaredPorts, ProbesPresent, ProbePaths, ProbePorts]),
        new(CheckNames.Urls, [UrlsAreUrls, UrlHostsAreServices, UrlPortsExist, UrlTargetsMatch, GatewayUpstreams]),
        new(CheckNames.Variables, [RequiredVariables, UnknownVariables, SecretReferences, UnreadableSources, VariableValues, GuideRequests]),
        new(CheckNames.Images, [Images, PullPolicies, Commands]),
        new(CheckNames.Memory, [Memory]),
        new(CheckNames.Cpu, [CpuLimits, CpuRequestWithinLimit]),
        new(CheckNames.Shutdown, [GracePeriods]),
        new(CheckNames.Storage, [ClaimStorageClasses]),
        new(CheckNames.Network, [NetworkReach]),
        new(CheckNames.Chaos, [Chaos]),
        new(CheckNames.Hardening, [Hardening]),
    ];

    /// <summary>The checks that make sense on live Deployments and Services (the rest need the whole folder).</summary>
    public static IReadOnlyList<ManifestCheck> Live { get; } =
        All.Where(c => c.Name != CheckNames.Hardening).ToList();

    /// <summary>Variables a container may set that are not the service's own: read by the .NET runtime, or by the nginx:alpine entrypoint.</summary>
    public static readonly IReadOnlySet<string> RuntimeVariables = new HashSet<string>(StringComparer.Ordinal) { "DOTNET_EnableDiagnostics", "NGINX_ENTRYPOINT_QUIET_LOGS" };

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
                yield return new Finding(CheckNames.Inventory, spec.Name, "containers", set.Locate(deployment, "spec.template.spec.containers"))
                {
                    Summary = $"{spec.Name} Deployment has no container called {spec.Name}",
                    Value = string.Join(",", deployment.Spec?.Template?.Spec?.Containers?.Select(c => c.Name) ?? []),
                    Expected = spec.Name,
                    RootCause = $"The pod template runs several containers and none is named {spec.Name}, so it is not clear which one is the service.",
                    Fix = $"Name the service's container {spec.Name}.",
                    Symptom = "The checks cannot tell which container is the service.",
                    Impact = "Nothing can be said about this component's container.",
                };
            }
            // A Deployment without its Service is the selectors check's to report.
            if (service is null && deployment is null)
            {
                yield return Missing(set, spec, "Service", deployment, where);
            }
        }
    }

    static Finding Missing(ManifestSet set, ServiceSpec spec, string kind, k8s.IKubernetesObject<V1ObjectMeta>? sibling, string where) => new(
        CheckNames.Inventory, spec.Name, subject: null,
        location: sibling is null
            ? new FindingLocation(null, null, kind, spec.Name, null)
            : set.Locate(sibling, null) with { Kind = kind, Name = spec.Name, Line = null })
    {
        Summary = $"{where} has no {kind} called {spec.Name}",
        Symptom = kind == "Deployment" ? $"No {spec.Name} pod exists." : $"Nothing answers at {spec.Name}:{spec.ServicePort}.",
        RootCause = $"The {kind} {spec.Name} is missing from {where}.",
        Impact = spec.Name == ServiceCatalog.Notification.Name
            ? "Notifications are not sent."
            : "Orders cannot complete without this component.",
        Fix = $"Add the {kind} {spec.Name} (see k8s/day-4/solution/ for its definition).",
        Expected = $"a {kind} called {spec.Name}",
    };

    /// <summary>Each catalog component whose service container the set holds, with that container.</summary>
    static IEnumerable<(ServiceSpec Spec, ContainerRef Found)> Containers(ManifestSet set) =>
        ServiceCatalog.All.Select(spec => (Spec: spec, Found: set.FindContainer(spec.Name)))
            .Where(c => c.Found is not null)
            .Select(c => (c.Spec, c.Found!));

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

    static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    static string? Text(int? value) => value?.ToString(CultureInfo.InvariantCulture);

    static string? Text(bool? value) => value?.ToString().ToLowerInvariant();
}
