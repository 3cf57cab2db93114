namespace CloudMart.Manifests.Tests;

/// <summary>k8s/day-4/broken-production ships each of the catalog's shipped faults with the value its patch puts in place.</summary>
public class BrokenProductionFaultTests
{
    static ManifestSet Broken => LabSets.Broken;

    [Fact]
    public void Fault_1_database_service_db_name_is_not_set()
    {
        var container = Broken.Container("database-service");

        Assert.Null(container.Env("DB_NAME"));
        Assert.True(ServiceCatalog.Database.Variable("DB_NAME").Required, "the database-service must refuse to start without DB_NAME");
        Assert.Contains(FaultViolations.ByFault[1], Checks.Variables(Broken));
    }

    [Fact]
    public void Fault_2_notification_service_image_v_20_is_never_built()
    {
        Assert.Equal(FaultViolations.Broken(2), Broken.Container("notification-service").Image);
        Assert.DoesNotContain(FaultViolations.Broken(2), BuildScript.Images);
        Assert.Contains("notification-service:latest", BuildScript.Images);
    }

    [Fact]
    public void Fault_3_order_service_database_url_names_no_service()
    {
        Assert.Equal(FaultViolations.Broken(3), Broken.Container("order-service").EnvValue("DATABASE_URL"));
        Assert.Null(Broken.ServiceForHost(new Uri(FaultViolations.Broken(3)).Host));
        Assert.NotNull(Broken.ServiceForHost("database-service"));
    }

    [Fact]
    public void Fault_4_api_service_liveness_probe_checks_another_port()
    {
        var container = Broken.Container("api-service");

        Assert.Equal(int.Parse(FaultViolations.Broken(4), System.Globalization.CultureInfo.InvariantCulture), container.LivenessProbe.HttpPort());
        Assert.NotEqual(ServiceCatalog.Api.ContainerPort, container.LivenessProbe.HttpPort());
        Assert.Equal(3000, container.ReadinessProbe.HttpPort());
        Assert.Equal([3000], container.Ports.Select(p => p.ContainerPort));
    }

    [Fact]
    public void Fault_5_gateway_service_selector_app_nginx_gateway_matches_no_pods()
    {
        var service = Broken.Service("gateway");

        Assert.Equal(new Dictionary<string, string> { ["app"] = FaultViolations.Broken(5) }, service.Spec.Selector);
        Assert.Equal("gateway", Broken.Deployment("gateway").Spec.Template.Metadata.Labels["app"]);
        Assert.Empty(Broken.DeploymentsSelectedBy(service));
    }

    [Fact]
    public void Fault_6_auth_service_memory_limit_below_its_need()
    {
        var container = Broken.Container("auth-service");

        Assert.Equal(FaultViolations.Broken(6), container.Resources.Limits["memory"].ToString());
        Assert.Equal("32Mi", container.Resources.Requests["memory"].ToString());
        Assert.True(container.MemoryLimitMiB() < ServiceCatalog.Auth.MemoryNeedMiB,
            $"the limit must be below the auth-service's need of {ServiceCatalog.Auth.MemoryNeedMiB}Mi");
    }

    [Fact]
    public void Fault_7_order_service_retries_without_backoff_in_the_shipped_code()
    {
        Assert.True(File.Exists(Repo.RetryFaultSource), $"missing {Repo.RetryFaultSource}, where the retry fault lives");
        Assert.True(File.Exists(Repo.RetryFixPatch), $"missing {Repo.RetryFixPatch}, the fix of fault 7");

        // The fix applies to the code as shipped: the shipped code is still the faulty one.
        var check = ProcessRunner.Run("git", ["apply", "--check", Repo.RetryFixPatch]);
        Assert.True(check.ExitCode == 0, $"git apply --check {Repo.RetryFixPatch} failed: {check.Output}");

        // The broken lab runs the order-service built from that shipped code.
        Assert.Equal("order-service:latest", Broken.Container("order-service").Image);
    }

    [Fact]
    public void Fault_8_database_service_chaos_failure_rate_is_above_0()
    {
        Assert.Equal(FaultViolations.Broken(8), Broken.Container("database-service").EnvValue("CHAOS_FAILURE_RATE"));
        Assert.True(ServiceVariables.IsValid(ServiceCatalog.Database.Variable("CHAOS_FAILURE_RATE"), FaultViolations.Broken(8)),
            $"{FaultViolations.Broken(8)} must be a value the service accepts, so it starts and fails calls instead of refusing to start");
    }

    /// <summary>
    /// Nothing else is wrong: every property check finds in the broken set exactly the violations
    /// of the faults the catalog gives it, one each, and no other; and the diagnosis names each by
    /// its fault number.
    /// </summary>
    [Theory]
    [MemberData(nameof(AllChecks))]
    public void Every_check_finds_only_the_faults_violations(string check)
    {
        var expected = LabFaults.Shipped.Where(f => f.InManifests && f.Check == check).ToList();

        Assert.Equal(expected.Select(f => FaultViolations.ByFault[f.Number]), Checks.Named(check, Broken).ToList());
        Assert.Equal(expected.Select(f => (int?)f.Number), Checks.Findings(check, Broken).Select(f => f.Fault));
    }

    [Fact]
    public void Every_manifest_fault_is_in_the_file_the_catalog_names_and_has_its_violation()
    {
        var manifestFaults = LabFaults.Shipped.Where(f => f.InManifests).ToList();

        Assert.Equal(manifestFaults.Select(f => f.Number), FaultViolations.ByFault.Keys.Order());
        Assert.All(manifestFaults, fault =>
        {
            Assert.Contains(fault.Check, Checks.Names);
            var finding = Assert.Single(Checks.Findings(fault.Check, Broken), f => f.Fault == fault.Number);
            Assert.Equal(Path.GetFileName(fault.Where), finding.Location.File);
            Assert.True(File.Exists(Path.Combine(Repo.Root, fault.Where)), $"fault {fault.Number}: no {fault.Where}");
        });
    }

    public static TheoryData<string> AllChecks() => new(Checks.Names);
}
