using CloudMart.Catalog;
using CloudMart.Diagnosis.Checks;
using CloudMart.Manifests.Tests.Support;

namespace CloudMart.Manifests.Tests;

/// <summary>k8s/day-4/broken-production ships each of the eight faults with the values the lab documents.</summary>
public class BrokenProductionFaultTests
{
    static ManifestSet Broken => LabSets.Broken;

    [Fact]
    public void Fault1_DatabaseService_DbNameIsNotSet()
    {
        var container = Broken.Container("database-service");

        Assert.Null(container.Env("DB_NAME"));
        Assert.True(ServiceCatalog.Database.Variable("DB_NAME").Required, "the database-service must refuse to start without DB_NAME");
        Assert.Contains(LabFaults.All[0].ExpectedViolation, Checks.Variables(Broken));
    }

    [Fact]
    public void Fault2_NotificationService_ImageV20IsNeverBuilt()
    {
        Assert.Equal("notification-service:v2.0", Broken.Container("notification-service").Image);
        Assert.DoesNotContain("notification-service:v2.0", BuildScript.Images);
        Assert.Contains("notification-service:latest", BuildScript.Images);
    }

    [Fact]
    public void Fault3_OrderService_DatabaseUrlNamesNoService()
    {
        Assert.Equal("http://database:8080", Broken.Container("order-service").EnvValue("DATABASE_URL"));
        Assert.Null(Broken.ServiceForHost("database"));
        Assert.NotNull(Broken.ServiceForHost("database-service"));
    }

    [Fact]
    public void Fault4_ApiService_LivenessProbeChecksPort8080()
    {
        var container = Broken.Container("api-service");

        Assert.Equal(8080, container.LivenessProbe.HttpPort());
        Assert.Equal(3000, container.ReadinessProbe.HttpPort());
        Assert.Equal([3000], container.Ports.Select(p => p.ContainerPort));
    }

    [Fact]
    public void Fault5_GatewayService_SelectorAppNginxGatewayMatchesNoPods()
    {
        var service = Broken.Service("gateway");

        Assert.Equal(new Dictionary<string, string> { ["app"] = "nginx-gateway" }, service.Spec.Selector);
        Assert.Equal("gateway", Broken.Deployment("gateway").Spec.Template.Metadata.Labels["app"]);
        Assert.Empty(Broken.DeploymentsSelectedBy(service));
    }

    [Fact]
    public void Fault6_AuthService_MemoryLimit64MiBelowItsNeed()
    {
        var container = Broken.Container("auth-service");

        Assert.Equal("64Mi", container.Resources.Limits["memory"].ToString());
        Assert.Equal("32Mi", container.Resources.Requests["memory"].ToString());
        Assert.True(container.MemoryLimitMiB() < ServiceCatalog.Auth.MemoryNeedMiB,
            $"the limit must be below the auth-service's need of {ServiceCatalog.Auth.MemoryNeedMiB}Mi");
    }

    [Fact]
    public void Fault7_OrderService_RetriesWithoutBackoffInTheShippedCode()
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
    public void Fault8_DatabaseService_ChaosFailureRateIsHalf()
    {
        Assert.Equal("0.5", Broken.Container("database-service").EnvValue("CHAOS_FAILURE_RATE"));
        Assert.True(ServiceVariables.IsValid(ServiceCatalog.Database.Variable("CHAOS_FAILURE_RATE"), "0.5"),
            "0.5 must be a value the service accepts, so it starts and fails calls instead of refusing to start");
    }

    /// <summary>
    /// Nothing else is wrong: every property check finds in the broken set exactly the violations
    /// of the faults, one each, and no other; and the diagnosis names each by its fault number.
    /// </summary>
    [Theory]
    [MemberData(nameof(AllChecks))]
    public void EveryCheck_FindsOnlyTheFaultsViolations(string check)
    {
        var expected = LabFaults.InManifests.Where(f => f.Check!.Method.Name == check).ToList();

        Assert.Equal(expected.Select(f => f.ExpectedViolation), CheckNamed(check)(Broken).ToList());
        Assert.Equal(expected.Select(f => (int?)f.Number), Checks.Findings(FindingsNamed(check), Broken).Select(f => f.Fault));
    }

    public static TheoryData<string> AllChecks() =>
        new(nameof(Checks.Inventory), nameof(Checks.Selectors), nameof(Checks.Probes), nameof(Checks.DependencyUrls), nameof(Checks.Variables),
            nameof(Checks.Images), nameof(Checks.Memory), nameof(Checks.Chaos), nameof(Checks.Hardening));

    public static Func<ManifestSet, IEnumerable<string>> CheckNamed(string name) => name switch
    {
        nameof(Checks.Inventory) => Checks.Inventory,
        nameof(Checks.Selectors) => Checks.Selectors,
        nameof(Checks.Probes) => Checks.Probes,
        nameof(Checks.DependencyUrls) => Checks.DependencyUrls,
        nameof(Checks.Variables) => Checks.Variables,
        nameof(Checks.Images) => Checks.Images,
        nameof(Checks.Memory) => Checks.Memory,
        nameof(Checks.Chaos) => Checks.Chaos,
        nameof(Checks.Hardening) => Checks.Hardening,
        _ => throw new ArgumentException($"no check {name}", nameof(name)),
    };

    static CloudMart.Diagnosis.Checks.ManifestCheck FindingsNamed(string name) => name switch
    {
        nameof(Checks.Inventory) => ManifestChecks.Inventory,
        nameof(Checks.Selectors) => ManifestChecks.Selectors,
        nameof(Checks.Probes) => ManifestChecks.Probes,
        nameof(Checks.DependencyUrls) => ManifestChecks.DependencyUrls,
        nameof(Checks.Variables) => ManifestChecks.Variables,
        nameof(Checks.Images) => ManifestChecks.Images,
        nameof(Checks.Memory) => ManifestChecks.Memory,
        nameof(Checks.Chaos) => ManifestChecks.Chaos,
        nameof(Checks.Hardening) => ManifestChecks.Hardening,
        _ => throw new ArgumentException($"no check {name}", nameof(name)),
    };
}
