using CloudMart.Diagnosis.Checks;

namespace CloudMart.Manifests.Tests;

/// <summary>08-customers.yaml: the lab's customers, in their own namespace, hardened like the shop, aimed at the gateway.</summary>
public class CustomersManifestTests
{
    static readonly ServiceSpec Spec = TrafficSource.Customers;

    static T Single<T>(string folder) => LabSets.Named(folder).TrafficSourceObjects.Select(o => o.Object).OfType<T>().Single();

    static V1Container Container(string folder) => Assert.Single(Single<V1Deployment>(folder).Spec.Template.Spec.Containers);

    [Theory]
    [InlineData("broken-production")]
    [InlineData("solution")]
    public void Deployment_runs_one_customers_pod_from_the_built_image_in_its_own_namespace(string folder)
    {
        var deployment = Single<V1Deployment>(folder);
        var container = Container(folder);

        Assert.Equal(TrafficSource.Namespace, deployment.Metadata.NamespaceProperty);
        Assert.NotEqual(ServiceCatalog.Namespace, TrafficSource.Namespace);
        Assert.Equal(1, deployment.Spec.Replicas);
        Assert.Equal(Spec.Name, container.Name);
        Assert.Equal(Spec.Image, container.Image);
        Assert.Equal("IfNotPresent", container.ImagePullPolicy);
        Assert.Contains(Spec.Image, BuildScript.Images);
    }

    [Theory]
    [InlineData("broken-production")]
    [InlineData("solution")]
    public void Every_variable_is_declared_and_valid_and_the_target_is_the_gateway_service(string folder)
    {
        var container = Container(folder);

        Assert.All(container.Env.Where(e => !ManifestChecks.RuntimeVariables.Contains(e.Name)), env =>
            Assert.True(ServiceVariables.IsValid(Spec.Variable(env.Name), env.Value), $"{env.Name}={env.Value}: expected {Spec.Variable(env.Name).Expected}"));
        Assert.Equal(TrafficSource.DefaultTarget, container.EnvValue("TARGET_URL"));
        var target = new Uri(TrafficSource.DefaultTarget);
        Assert.Equal($"{ServiceCatalog.Gateway.Name}.{ServiceCatalog.Namespace}.svc.cluster.local", target.Host);
        Assert.Equal(ServiceCatalog.Gateway.ServicePort, target.Port);
        Assert.Equal(ServiceCatalog.Gateway.ServicePort, LabSets.Named(folder).Service(ServiceCatalog.Gateway.Name).Spec.Ports.Single().Port);
    }

    [Theory]
    [InlineData("broken-production")]
    [InlineData("solution")]
    public void Ports_probes_and_scrape_annotations_all_name_the_metrics_port(string folder)
    {
        var deployment = Single<V1Deployment>(folder);
        var service = Single<V1Service>(folder);
        var container = Container(folder);
        var port = Spec.ContainerPort;

        Assert.Equal(port.ToString(System.Globalization.CultureInfo.InvariantCulture), container.EnvValue("PORT"));
        Assert.Equal(port, container.Ports.Single().ContainerPort);
        Assert.Equal(port, container.ReadinessProbe.HttpPort());
        Assert.Equal(port, container.LivenessProbe.HttpPort());
        Assert.Equal("/health", container.LivenessProbe.HttpGet.Path);
        Assert.Equal(port.ToString(System.Globalization.CultureInfo.InvariantCulture), service.Spec.Ports.Single().TargetPort.Value);
        Assert.True(ManifestSet.Selects(service.Spec.Selector, deployment.Spec.Template.Metadata.Labels));
        var annotations = deployment.Spec.Template.Metadata.Annotations;
        Assert.Equal("true", annotations["prometheus.io/scrape"]);
        Assert.Equal(port.ToString(System.Globalization.CultureInfo.InvariantCulture), annotations["prometheus.io/port"]);
        Assert.Equal("/metrics", annotations["prometheus.io/path"]);
    }

    [Theory]
    [InlineData("broken-production")]
    [InlineData("solution")]
    public void Pod_is_hardened_and_sized_like_the_shops(string folder)
    {
        var pod = Single<V1Deployment>(folder).Spec.Template.Spec;
        var container = Container(folder);

        Assert.True(pod.SecurityContext.RunAsNonRoot);
        Assert.Equal(ManifestChecks.DotnetAppUid, pod.SecurityContext.RunAsUser);
        Assert.False(pod.AutomountServiceAccountToken);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
        Assert.True(container.MemoryLimitMiB() >= Spec.MemoryNeedMiB, $"limit {container.MemoryLimitMiB()}Mi < need {Spec.MemoryNeedMiB}Mi");
        Assert.NotNull(container.MemoryRequestMiB());
        Assert.True(container.Resources.Requests.ContainsKey("cpu") && container.Resources.Limits.ContainsKey("cpu"));
    }
}
