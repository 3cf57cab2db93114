using CloudMart.Manifests;
using CloudMart.Catalog;

namespace CloudMart.Diagnosis.Tests;

/// <summary>The static diagnosis of the lab's two manifest folders.</summary>
public class FolderDiagnosisTests
{
    static LabRepository Repo => LabCopy.Repository;

    [Fact]
    public void Broken_production_has_each_of_the_eight_faults_and_nothing_else()
    {
        var report = FolderDiagnosis.Run(Repo.BrokenManifestsDir);

        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], report.Findings.Select(f => f.Fault ?? 0));
        Assert.All(report.Findings, f => Assert.Equal(Severity.Error, f.Severity));
        Assert.Equal(0, report.FaultsFixed);
        Assert.All(report.Faults, f => Assert.Equal(FaultState.Present, f.State));
    }

    [Fact]
    public void Solution_beside_the_shipped_code_has_only_fault_7_the_patch_beside_it_changes_nothing()
    {
        var report = FolderDiagnosis.Run(Repo.SolutionManifestsDir);

        Assert.Equal(7, Assert.Single(report.Findings).Fault);
        Assert.Equal(7, report.FaultsFixed);
        Assert.Contains("images compared with build-and-import.sh --list-images", report.Notes);
    }

    [Fact]
    public void Solution_with_its_code_fix_applied_has_no_finding_and_every_fault_fixed()
    {
        using var copy = LabCopy.Solution();

        var report = copy.Diagnose();

        Assert.Empty(report.Findings);
        Assert.Equal(8, report.FaultsFixed);
    }

    [Fact]
    public void Kustomized_folder_is_read_through_its_resources_list()
    {
        using var copy = LabCopy.Solution();
        var listed = ManifestSet.ManifestFiles(copy.Folder).Select(Path.GetFileName).Where(f => f != "07-notification-service.yaml").ToList();
        File.WriteAllText(copy.File("kustomization.yaml"),
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n" + string.Concat(listed.Select(f => $"  - {f}\n")));

        var report = copy.Diagnose();

        // The one file it leaves out is not deployed by kubectl apply -k, so its component is missing.
        var finding = Assert.Single(report.Findings, f => f.Check == CheckNames.Inventory && f.Service == ServiceCatalog.Notification.Name && f.Summary.Contains("Deployment", StringComparison.Ordinal));
        Assert.Null(finding.Fault);
        Assert.Equal(listed, ManifestSet.ManifestFiles(copy.Folder).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("patches:\n  - path: more.yaml\n", "'patches'")]
    [InlineData("resources:\n  - ../base\n", "'../base'")]
    public void Kustomization_that_rewrites_or_reaches_outside_is_bad_input_naming_what(string body, string named)
    {
        using var copy = LabCopy.Solution();
        var resources = body.StartsWith("resources", StringComparison.Ordinal) ? "" : "resources:\n  - 01-namespace.yaml\n";
        File.WriteAllText(copy.File("kustomization.yaml"), "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n" + resources + body);

        var error = Assert.Throws<ManifestLoadException>(copy.Diagnose);

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Broken_production_each_finding_has_its_exact_location_value_and_expectation()
    {
        var findings = FolderDiagnosis.Run(Repo.BrokenManifestsDir).Findings.ToDictionary(f => f.Fault!.Value);
        // The file and the broken value are the catalog's (fault.yaml and its patch); the expectation is the solution's.
        string FileOf(int fault) => FaultFolders.Catalog.Get(fault).File!;
        var value = FaultFolders.Value;

        AssertAt(findings[1], FileOf(1), "Deployment/database-service", "spec.template.spec.containers[0].env[DB_NAME]", null, ServiceCatalog.Database.Variable("DB_NAME").Expected);
        AssertAt(findings[2], FileOf(2), "Deployment/notification-service", "spec.template.spec.containers[0].image", value(2), "notification-service:latest");
        AssertAt(findings[3], FileOf(3), "Deployment/order-service", "spec.template.spec.containers[0].env[DATABASE_URL].value", value(3), "http://database-service:8080");
        AssertAt(findings[4], FileOf(4), "Deployment/api-service", "spec.template.spec.containers[0].livenessProbe.httpGet.port", value(4), "3000");
        AssertAt(findings[5], FileOf(5), "Service/gateway", "spec.selector", $"app={value(5)}", "app=gateway");
        AssertAt(findings[6], FileOf(6), "Deployment/auth-service", "spec.template.spec.containers[0].resources.limits.memory", value(6), ">= 80Mi (for example 128Mi)");
        AssertAt(findings[7], LabRepository.RetryFaultPath, "Code/RetryFault.Shipped", "RetryFault.Shipped", "RetryStrategy.Immediate", "RetryStrategy.ExponentialBackoff");
        AssertAt(findings[8], FileOf(8), "Deployment/database-service", "spec.template.spec.containers[0].env[CHAOS_FAILURE_RATE].value", value(8), "0 (or remove it)");
    }

    /// <param name="line">The faulty line, {0} standing for the fault's value as its catalog patch writes it.</param>
    [Theory]
    [InlineData(2, "image: {0}")]
    [InlineData(3, "value: {0}")]
    [InlineData(4, "port: {0}")]
    [InlineData(5, "selector:")]
    [InlineData(6, "memory: {0}")]
    [InlineData(8, "value: \"{0}\"")]
    public void Broken_production_finding_line_is_the_line_of_the_faulty_field(int fault, string line)
    {
        var finding = FolderDiagnosis.Run(Repo.BrokenManifestsDir).Findings.Single(f => f.Fault == fault);

        var lines = File.ReadAllLines(Path.Combine(Repo.BrokenManifestsDir, FaultFolders.Catalog.Get(fault).File!));
        Assert.NotNull(finding.Location.Line);
        Assert.Equal(string.Format(System.Globalization.CultureInfo.InvariantCulture, line, FaultFolders.Value(fault)), lines[finding.Location.Line!.Value - 1].Trim());
    }

    [Fact]
    public void Broken_production_missing_db_name_points_at_the_containers_env_list()
    {
        var finding = FolderDiagnosis.Run(Repo.BrokenManifestsDir).Findings.Single(f => f.Fault == 1);

        var lines = File.ReadAllLines(Path.Combine(Repo.BrokenManifestsDir, "06-database-service.yaml"));
        Assert.Equal("env:", lines[finding.Location.Line!.Value - 1].Trim());
    }

    [Fact]
    public void Broken_production_fault_7_points_at_the_shipped_constant()
    {
        var finding = FolderDiagnosis.Run(Repo.BrokenManifestsDir).Findings.Single(f => f.Fault == 7);

        var lines = File.ReadAllLines(Repo.RetryFaultSource);
        Assert.Contains("Shipped = RetryStrategy.Immediate", lines[finding.Location.Line!.Value - 1], StringComparison.Ordinal);
    }

    [Fact]
    public void Every_finding_explains_symptom_cause_impact_and_fix()
    {
        foreach (var finding in FolderDiagnosis.Run(Repo.BrokenManifestsDir).Findings)
        {
            Assert.All(new[] { finding.Summary, finding.Symptom, finding.RootCause, finding.Impact, finding.Fix }, text => Assert.False(string.IsNullOrWhiteSpace(text)));
            Assert.Equal(LabFaults.Get(finding.Fault!.Value).Symptom, finding.Symptom);
            Assert.Equal(LabFaults.Get(finding.Fault.Value).Impact, finding.Impact);
        }
    }

    [Fact]
    public void Folder_outside_any_repository_finds_the_seven_manifest_faults_and_says_the_retry_policy_was_not_checked()
    {
        using var copy = LabCopy.Alone(Repo.BrokenManifestsDir);

        var report = copy.Diagnose();

        Assert.Equal([1, 2, 3, 4, 5, 6, 8], report.Findings.Select(f => f.Fault ?? 0));
        Assert.Contains("retry policy: not checked (order-service source not found)", report.Notes);
        Assert.Contains("images compared with the service catalog (build-and-import.sh not found)", report.Notes);
        Assert.Equal(FaultState.NotChecked, report.Faults.Single(f => f.Number == 7).State);
    }

    [Fact]
    public void Missing_folder_is_bad_input_naming_it()
    {
        var missing = Path.Combine(Path.GetTempPath(), "cloudmart-no-such-folder-" + Guid.NewGuid().ToString("N"));

        var error = Assert.Throws<ManifestLoadException>(() => FolderDiagnosis.Run(missing));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Folder_without_yaml_is_bad_input_naming_it()
    {
        var empty = Directory.CreateTempSubdirectory("cloudmart-empty-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(empty, "README.md"), "not a manifest");

            var error = Assert.Throws<ManifestLoadException>(() => FolderDiagnosis.Run(empty));

            Assert.Contains(empty, error.Message, StringComparison.Ordinal);
            Assert.Contains("no manifests", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public void Unparsable_manifest_is_bad_input_naming_the_file()
    {
        using var copy = LabCopy.Solution().Edit("03-api-service.yaml", "kind: Deployment", "replicas: 2", "replicas: [2");

        var error = Assert.Throws<ManifestLoadException>(copy.Diagnose);

        Assert.Contains(copy.File("03-api-service.yaml"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_field_is_bad_input_as_kubectl_would_reject_it()
    {
        using var copy = LabCopy.Solution().Edit("03-api-service.yaml", "kind: Deployment", "replicas: 2", "replica: 2");

        var error = Assert.Throws<ManifestLoadException>(copy.Diagnose);

        Assert.Contains("03-api-service.yaml", error.Message, StringComparison.Ordinal);
    }

    static void AssertAt(Finding finding, string file, string resource, string field, string? value, string expected)
    {
        Assert.Equal(file, finding.Location.File);
        Assert.Equal(resource, finding.Location.Resource);
        Assert.Equal(field, finding.Location.Field);
        Assert.Equal(value, finding.Value);
        Assert.Equal(expected, finding.Expected);
    }
}
