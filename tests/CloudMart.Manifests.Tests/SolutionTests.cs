namespace CloudMart.Manifests.Tests;

/// <summary>k8s/day-4/solution has none of the catalog's faults and every property of a healthy deployment.</summary>
public class SolutionTests
{
    static ManifestSet Solution => LabSets.Solution;

    [Theory]
    [MemberData(nameof(BrokenProductionFaultTests.AllChecks), MemberType = typeof(BrokenProductionFaultTests))]
    public void Every_check_finds_nothing(string check)
    {
        Assert.Empty(Checks.Named(check, Solution));
    }

    public static TheoryData<int> ShippedManifestFaults() => new(LabFaults.Shipped.Where(f => f.InManifests).Select(f => f.Number));

    [Theory]
    [MemberData(nameof(ShippedManifestFaults))]
    public void Manifest_fault_is_fixed(int number)
    {
        var fault = LabFaults.Get(number);

        Assert.DoesNotContain(FaultViolations.ByFault[number], Checks.Named(fault.Check, Solution));
        Assert.Contains(fault.Fix, File.ReadAllText(Path.Combine(Repo.SolutionManifestsDir, Path.GetFileName(fault.Where))), StringComparison.Ordinal);
    }

    [Fact]
    public void Fixes_have_the_documented_values()
    {
        Assert.Equal("cloudmart-db", Solution.Container("database-service").EnvValue("DB_NAME"));
        Assert.Equal("notification-service:latest", Solution.Container("notification-service").Image);
        Assert.Equal("http://database-service:8080", Solution.Container("order-service").EnvValue("DATABASE_URL"));
        Assert.Equal(3000, Solution.Container("api-service").LivenessProbe.HttpPort());
        Assert.Equal(new Dictionary<string, string> { ["app"] = "gateway" }, Solution.Service("gateway").Spec.Selector);
        Assert.Equal("128Mi", Solution.Container("auth-service").Resources.Limits["memory"].ToString());
        Assert.Contains(Solution.Container("database-service").EnvValue("CHAOS_FAILURE_RATE"), new string?[] { null, "0" });
    }

    [Fact]
    public void Fault_7_is_fixed_by_the_patch_shipped_with_the_solution()
    {
        Assert.True(File.Exists(Repo.RetryFixPatch), $"missing {Repo.RetryFixPatch}");

        // kubectl apply -f reads only .yaml, .yml and .json files, so the patch can sit among the manifests.
        Assert.DoesNotContain(Repo.RetryFixPatch, ManifestSet.ManifestFiles(Repo.SolutionManifestsDir));

        var touched = File.ReadAllLines(Repo.RetryFixPatch)
            .Where(l => l.StartsWith("+++ ", StringComparison.Ordinal) || l.StartsWith("--- ", StringComparison.Ordinal))
            .Select(l => l[4..].Split('\t')[0])
            .Where(p => p != "/dev/null")
            .Select(p => p.StartsWith("a/", StringComparison.Ordinal) || p.StartsWith("b/", StringComparison.Ordinal) ? p[2..] : p)
            .ToHashSet();
        Assert.Equal(["services/day-4/broken-production/order-service/Faults/RetryFault.cs"], touched);
    }

    [Fact]
    public void Every_service_has_its_deployment_and_service()
    {
        Assert.Equal(ServiceCatalog.All.Select(s => s.Name).Order(), Solution.Deployments.Select(d => d.Metadata.Name).Order());
        Assert.Equal(ServiceCatalog.All.Select(s => s.Name).Order(), Solution.Services.Select(s => s.Metadata.Name).Order());
    }

    [Fact]
    public void Every_image_is_built_by_the_script_and_every_built_image_is_used()
    {
        var used = Solution.Deployments.Concat(Solution.TrafficSourceObjects.Select(o => o.Object).OfType<V1Deployment>())
            .SelectMany(d => d.Spec.Template.Spec.Containers).Select(c => c.Image).ToHashSet();

        Assert.Equal(BuildScript.Images.Order(), used.Order());
        Assert.Equal(ServiceCatalog.All.Select(s => s.Image).Append(TrafficSource.Customers.Image).Order(), used.Order());
    }

    [Fact]
    public void Every_memory_limit_covers_the_services_need()
    {
        Assert.All(ServiceCatalog.All, spec =>
            Assert.True(Solution.Container(spec.Name).MemoryLimitMiB() >= spec.MemoryNeedMiB,
                $"{spec.Name} limit {Solution.Container(spec.Name).MemoryLimitMiB()}Mi < need {spec.MemoryNeedMiB}Mi"));
        Assert.Equal(128, Solution.Container("auth-service").MemoryLimitMiB());
    }
}
