using CloudMart.Catalog;
using CloudMart.Lab;

namespace CloudMart.Lab.Tests;

public sealed class LocalEnvironmentTests
{
    static readonly LabLayout Layout = new("/repo", "/repo/.cloudmart");
    const string Key = "0123456789abcdef0123456789abcdef-local";

    [Fact]
    public void Every_value_given_to_every_service_passes_that_service_s_own_start_up_check()
    {
        foreach (var service in ServiceCatalog.Services)
        {
            var variables = LocalEnvironment.For(service, LabPorts.Default, Layout, Key);
            foreach (var (name, value) in variables)
            {
                Assert.True(ServiceVariables.IsValid(service.Variable(name), value), $"{service.Name} {name}={value}");
            }
            foreach (var required in service.Variables.Where(v => v.Required))
            {
                Assert.True(variables.ContainsKey(required.Name), $"{service.Name} lacks {required.Name}");
            }
        }
    }

    [Fact]
    public void Each_address_variable_points_at_the_local_port_of_the_service_it_names()
    {
        var ports = new LabPorts(Offset: 500);
        foreach (var service in ServiceCatalog.Services)
        {
            var variables = LocalEnvironment.For(service, ports, Layout, Key);
            Assert.Equal((service.LocalPort + 500).ToString(System.Globalization.CultureInfo.InvariantCulture), variables["PORT"]);
            foreach (var dependency in service.DependencyVariables)
            {
                Assert.Equal($"http://127.0.0.1:{ServiceCatalog.Find(dependency.TargetService!).LocalPort + 500}", variables[dependency.Name]);
            }
        }
        Assert.Equal("http://127.0.0.1:3503", LocalEnvironment.For(ServiceCatalog.Order, ports, Layout, Key)["DATABASE_URL"]);
    }

    [Fact]
    public void The_database_is_named_kept_in_the_run_s_data_folder_and_never_fails_on_purpose()
    {
        var variables = LocalEnvironment.For(ServiceCatalog.Database, LabPorts.Default, Layout, Key);

        Assert.Equal("cloudmart-db", variables["DB_NAME"]);
        Assert.Equal("/repo/.cloudmart/data", variables["DATA_DIR"]);
        Assert.Equal("0", variables["CHAOS_FAILURE_RATE"]);
    }

    [Fact]
    public void The_auth_service_signs_with_the_run_s_key()
    {
        Assert.Equal(Key, LocalEnvironment.For(ServiceCatalog.Auth, LabPorts.Default, Layout, Key)["JWT_SIGNING_KEY"]);
    }

    [Fact]
    public void The_signing_key_is_made_once_kept_private_and_reused()
    {
        using var folder = new TempFolder();
        var layout = new LabLayout(folder.Path);

        var first = layout.EnsureSigningKey();
        var second = layout.EnsureSigningKey();

        Assert.True(first.Length >= 32);
        Assert.Equal(first, second);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(layout.SigningKeyFile));
    }

    [Fact]
    public void The_default_ports_are_the_catalog_s_local_ports_and_an_offset_moves_them_all()
    {
        Assert.Equal(8080, LabPorts.Default.For(ServiceCatalog.Gateway));
        Assert.Equal(3003, LabPorts.Default.For(ServiceCatalog.Database));
        Assert.Equal(8180, new LabPorts(100).For(ServiceCatalog.Gateway));
        Assert.Equal(9000, new LabPorts(100, GatewayPort: 9000).For(ServiceCatalog.Gateway));
        Assert.Null(LabPorts.Default.Problem());
    }

    [Fact]
    public void Ports_out_of_range_or_shared_by_two_components_are_a_problem()
    {
        Assert.Contains("outside", new LabPorts(62000).Problem());
        Assert.Contains("both", new LabPorts(0, GatewayPort: 3001).Problem());
    }
}
