namespace CloudMart.Manifests.Tests;

/// <summary>The shape both manifest folders share: the guide's file names, one object set, the gateway's ConfigMap.</summary>
public class ManifestFolderTests
{
    static readonly string[] GuideFiles =
    [
        "01-namespace.yaml", "02-gateway.yaml", "03-api-service.yaml", "04-auth-service.yaml",
        "05-order-service.yaml", "06-database-service.yaml", "07-notification-service.yaml",
    ];

    /// <summary>The lab's customers, after the guide's files: no part of the shop, applied with it.</summary>
    const string CustomersFile = "08-customers.yaml";

    [Theory]
    [InlineData("broken-production")]
    [InlineData("solution")]
    public void Folder_has_the_guides_file_names(string folder)
    {
        var set = LabSets.Named(folder);

        Assert.Equal([.. GuideFiles, CustomersFile], ManifestSet.ManifestFiles(set.Folder!).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("broken-production")]
    [InlineData("solution")]
    public void Each_file_holds_its_services_objects(string folder)
    {
        var set = LabSets.Named(folder);

        Assert.Equal("01-namespace.yaml", set.Objects.Single(o => o.Object is V1Namespace { Metadata.Name: ServiceCatalog.Namespace }).File);
        for (var i = 0; i < ServiceCatalog.All.Count; i++)
        {
            var name = ServiceCatalog.All[i].Name;
            var file = GuideFiles[i + 1];
            Assert.Equal(file, set.FileOf<V1Deployment>(name));
            Assert.Equal(file, set.FileOf<V1Service>(name));
        }
        Assert.Equal("02-gateway.yaml", set.FileOf<V1ConfigMap>("gateway-config"));
        Assert.Equal("02-gateway.yaml", set.FileOf<V1Ingress>("gateway"));
        Assert.Equal("06-database-service.yaml", set.FileOf<V1PersistentVolumeClaim>("database-data"));
        Assert.Equal(ServiceCatalog.All.Count * 2 + 4, set.Objects.Count);
        Assert.Equal(
            [("Namespace", TrafficSource.Namespace), ("Deployment", TrafficSource.Customers.Name), ("Service", TrafficSource.Customers.Name)],
            set.TrafficSourceObjects.Select(o => (o.Kind, o.Name)));
        Assert.All(set.TrafficSourceObjects, o => Assert.Equal(CustomersFile, o.File));
    }

    [Theory]
    [InlineData("broken-production")]
    [InlineData("solution")]
    public void Gateway_config_map_equals_gateway_nginx_conf_byte_for_byte(string folder)
    {
        var set = LabSets.Named(folder);
        Assert.True(File.Exists(Repo.GatewayNginxConf), $"missing {Repo.GatewayNginxConf}");

        var configMap = set.Single<V1ConfigMap>("gateway-config");

        Assert.Equal(File.ReadAllBytes(Repo.GatewayNginxConf), System.Text.Encoding.UTF8.GetBytes(configMap.Data["nginx.conf"]));
    }

    [Theory]
    [InlineData("broken-production")]
    [InlineData("solution")]
    public void Gateway_entrypoint_is_quiet_so_every_log_line_is_json(string folder)
    {
        var gateway = LabSets.Named(folder).Single<V1Deployment>(ServiceCatalog.Gateway.Name).Spec.Template.Spec.Containers.Single();

        var quiet = Assert.Single(gateway.Env ?? [], e => e.Name == "NGINX_ENTRYPOINT_QUIET_LOGS");
        Assert.Equal("1", quiet.Value);
    }

    [Theory]
    [InlineData("broken-production")]
    [InlineData("solution")]
    public void Auth_signing_key_comes_from_an_optional_secret_and_is_never_written_in_the_manifests(string folder)
    {
        var set = LabSets.Named(folder);
        var deployment = set.Single<V1Deployment>(ServiceCatalog.Auth.Name);
        var key = deployment.Spec.Template.Spec.Containers.Single().Env.Single(e => e.Name == "JWT_SIGNING_KEY");

        Assert.Null(key.Value);
        Assert.Equal("auth-service-jwt", key.ValueFrom.SecretKeyRef.Name);
        Assert.True(key.ValueFrom.SecretKeyRef.Optional);
        Assert.DoesNotContain(set.Objects, o => o.Object is V1Secret);
    }
}
