using k8s;

namespace CloudMart.Manifests.Tests;

/// <summary>
/// k8s/hardened rendered by the installed kubectl's kustomize, exactly as `kubectl apply -k` would
/// send it, and each property the overlay promises checked on the result.
/// </summary>
public sealed class HardenedOverlayTests
{
    static readonly Lazy<List<object>> Rendered = new(Render);

    static List<object> Render()
    {
        var result = ProcessRunner.Run("kubectl", ["kustomize", Path.Combine(Repo.Root, "k8s", "hardened")], timeout: TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, "kubectl kustomize k8s/hardened failed:\n" + result.Output);
        return KubernetesYaml.LoadAllFromString(result.StandardOutput, strict: true).ToList();
    }

    static IEnumerable<T> All<T>() => Rendered.Value.OfType<T>();

    static V1Deployment Deployment(string name) => Assert.Single(All<V1Deployment>(), d => d.Metadata.Name == name);

    public static TheoryData<string> Services => [.. ServiceCatalog.Services.Select(s => s.Name)];

    public static TheoryData<string> Components => [.. ServiceCatalog.All.Select(s => s.Name)];

    [Fact]
    public void Holds_the_shop_and_not_the_labs_traffic_source()
    {
        Assert.Equal(ServiceCatalog.All.Select(s => s.Name).Order(), All<V1Deployment>().Select(d => d.Metadata.Name).Order());
        Assert.All(Rendered.Value.OfType<IMetadata<V1ObjectMeta>>(), o => Assert.NotEqual(TrafficSource.Namespace, o.Metadata.NamespaceProperty));
    }

    [Theory, MemberData(nameof(Components))]
    public void Images_carry_the_version_the_labels_name(string name)
    {
        var deployment = Deployment(name);
        var image = Assert.Single(deployment.Spec.Template.Spec.Containers).Image;
        var version = deployment.Metadata.Labels["app.kubernetes.io/version"];
        Assert.Matches(@"^\d+\.\d+\.\d+$", version);
        Assert.Equal($"{name}:{version}", image);
        Assert.Equal(version, deployment.Spec.Template.Metadata.Labels["app.kubernetes.io/version"]);
    }

    [Theory, MemberData(nameof(Components))]
    public void Recommended_labels_on_object_and_pods_but_selectors_unchanged(string name)
    {
        var deployment = Deployment(name);
        foreach (var labels in new[] { deployment.Metadata.Labels, deployment.Spec.Template.Metadata.Labels })
        {
            Assert.Equal(name, labels["app.kubernetes.io/name"]);
            Assert.Equal("cloudmart", labels["app.kubernetes.io/part-of"]);
            Assert.True(labels.ContainsKey("app.kubernetes.io/component"));
        }
        // A Deployment's selector is immutable: the overlay must apply over the lab's objects.
        Assert.Equal(new Dictionary<string, string> { ["app"] = name }, deployment.Spec.Selector.MatchLabels);
        var service = Assert.Single(All<V1Service>(), s => s.Metadata.Name == name);
        Assert.Equal(new Dictionary<string, string> { ["app"] = name }, service.Spec.Selector);
    }

    [Theory, MemberData(nameof(Services))]
    public void Services_are_live_on_alive_ready_on_health_and_have_AS_tartup_probe(string name)
    {
        var spec = ServiceCatalog.Find(name);
        var container = Assert.Single(Deployment(name).Spec.Template.Spec.Containers);
        Assert.Equal(("/alive", spec.ContainerPort.ToString()), (container.LivenessProbe.HttpGet.Path, container.LivenessProbe.HttpGet.Port.Value));
        Assert.Equal(("/health", spec.ContainerPort.ToString()), (container.ReadinessProbe.HttpGet.Path, container.ReadinessProbe.HttpGet.Port.Value));
        Assert.Equal(("/alive", spec.ContainerPort.ToString()), (container.StartupProbe.HttpGet.Path, container.StartupProbe.HttpGet.Port.Value));
    }

    [Fact]
    public void The_gateway_has_AS_tartup_probe_and_keeps_its_pre_stop_pause()
    {
        var pod = Deployment(ServiceNames.Gateway).Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);
        Assert.Equal("/health", container.StartupProbe.HttpGet.Path);
        Assert.Equal(["sleep", "5"], container.Lifecycle.PreStop.Exec.Command);
        Assert.Equal(30, pod.TerminationGracePeriodSeconds);
    }

    [Theory, MemberData(nameof(Components))]
    public void Requests_cover_the_measured_need_and_limits_cover_requests(string name)
    {
        var resources = Assert.Single(Deployment(name).Spec.Template.Spec.Containers).Resources;
        var need = ServiceCatalog.Find(name).MemoryNeedMiB * 1024m * 1024m;
        Assert.True(resources.Requests["memory"].ToDecimal() >= need, $"{name} requests less memory than its need of {need / 1048576} MiB");
        Assert.True(resources.Limits["memory"].ToDecimal() >= resources.Requests["memory"].ToDecimal());
        Assert.True(resources.Requests["cpu"].ToDecimal() > 0);
        Assert.True(resources.Limits["cpu"].ToDecimal() >= resources.Requests["cpu"].ToDecimal());
    }

    [Fact]
    public void Every_service_with_two_replicas_has_AD_isruption_budget()
    {
        var replicated = All<V1Deployment>().Where(d => d.Spec.Replicas >= 2).ToList();
        Assert.Equal([ServiceNames.Api, ServiceNames.Order], replicated.Select(d => d.Metadata.Name).Order());
        foreach (var deployment in replicated)
        {
            var budget = Assert.Single(All<V1PodDisruptionBudget>(), b => Selects(b.Spec.Selector, deployment.Spec.Template.Metadata.Labels));
            Assert.Equal("1", budget.Spec.MinAvailable.Value);
        }
    }

    [Fact]
    public void The_database_keeps_its_file_on_the_claim()
    {
        var pod = Deployment(ServiceNames.Database).Spec.Template.Spec;
        var claim = Assert.Single(pod.Volumes, v => v.PersistentVolumeClaim is not null).PersistentVolumeClaim.ClaimName;
        Assert.Single(All<V1PersistentVolumeClaim>(), c => c.Metadata.Name == claim);
        Assert.Equal("Recreate", Deployment(ServiceNames.Database).Spec.Strategy.Type);
    }

    [Fact]
    public void Network_policies_deny_by_default()
    {
        var deny = Assert.Single(All<V1NetworkPolicy>(), p => p.Metadata.Name == "default-deny");
        Assert.Empty(deny.Spec.PodSelector.MatchLabels ?? new Dictionary<string, string>());
        Assert.Equal(["Egress", "Ingress"], deny.Spec.PolicyTypes.Order());
        Assert.Null(deny.Spec.Ingress);
        Assert.Null(deny.Spec.Egress);
    }

    /// <summary>The architecture's calls, each with the port the callee listens on.</summary>
    public static TheoryData<string, string> Flows => new()
    {
        { ServiceNames.Gateway, ServiceNames.Api },
        { ServiceNames.Api, ServiceNames.Auth },
        { ServiceNames.Api, ServiceNames.Order },
        { ServiceNames.Order, ServiceNames.Database },
        { ServiceNames.Order, ServiceNames.Notification },
    };

    [Theory, MemberData(nameof(Flows))]
    public void The_architectures_calls_are_allowed(string source, string target) =>
        Assert.True(Allowed(source, target, ServiceCatalog.Find(target).ContainerPort), $"{source} cannot reach {target}");

    [Theory]
    [InlineData(ServiceNames.Gateway, ServiceNames.Database)]
    [InlineData(ServiceNames.Gateway, ServiceNames.Order)]
    [InlineData(ServiceNames.Api, ServiceNames.Database)]
    [InlineData(ServiceNames.Auth, ServiceNames.Database)]
    [InlineData(ServiceNames.Notification, ServiceNames.Order)]
    [InlineData(ServiceNames.Database, ServiceNames.Api)]
    public void Other_calls_are_denied(string source, string target) =>
        Assert.False(Allowed(source, target, ServiceCatalog.Find(target).ContainerPort), $"{source} may reach {target}");

    [Theory, MemberData(nameof(Components))]
    public void Monitoring_scrapes_every_pod(string name)
    {
        var labels = Deployment(name).Spec.Template.Metadata.Labels;
        Assert.Contains(All<V1NetworkPolicy>(), p => Selects(p.Spec.PodSelector, labels) && (p.Spec.Ingress ?? []).Any(rule =>
            (rule.FromProperty ?? []).Any(peer => peer.PodSelector is null
                && peer.NamespaceSelector?.MatchLabels is { } ns && ns.TryGetValue("kubernetes.io/metadata.name", out var n) && n == "monitoring")));
    }

    /// <summary>Whether the policies let a pod of <paramref name="source"/> open a connection to <paramref name="target"/>'s port (egress and ingress both).</summary>
    static bool Allowed(string source, string target, int port)
    {
        var from = Deployment(source).Spec.Template.Metadata.Labels;
        var to = Deployment(target).Spec.Template.Metadata.Labels;
        var policies = All<V1NetworkPolicy>().ToList();
        var egress = policies.Where(p => Selects(p.Spec.PodSelector, from)).SelectMany(p => p.Spec.Egress ?? [])
            .Any(rule => PortMatches(rule.Ports, port) && (rule.To ?? []).Any(peer => PeerMatches(peer, to)));
        var ingress = policies.Where(p => Selects(p.Spec.PodSelector, to)).SelectMany(p => p.Spec.Ingress ?? [])
            .Any(rule => PortMatches(rule.Ports, port) && (rule.FromProperty is null || rule.FromProperty.Any(peer => PeerMatches(peer, from))));
        return egress && ingress;
    }

    // Both pods live in the overlay's one namespace, so a peer with a namespace selector names another namespace.
    static bool PeerMatches(V1NetworkPolicyPeer peer, IDictionary<string, string> labels) =>
        peer.NamespaceSelector is null && peer.IpBlock is null && Selects(peer.PodSelector, labels);

    static bool PortMatches(IList<V1NetworkPolicyPort>? ports, int port) =>
        ports is null || ports.Any(p => p.Port?.Value == port.ToString());

    static bool Selects(V1LabelSelector? selector, IDictionary<string, string> labels) =>
        selector is not null && (selector.MatchLabels ?? new Dictionary<string, string>()).All(l => labels.TryGetValue(l.Key, out var v) && v == l.Value)
        && selector.MatchExpressions is null or { Count: 0 };
}
