namespace CloudMart.Diagnosis.Tests;

/// <summary>
/// Hand-made variants of the solution, each with one field changed in a temporary copy: a lab
/// fault must be found alone and under its number; any other breakage must be found as a problem
/// that is no lab fault.
/// </summary>
public class VariantTests
{
    const string Api = "03-api-service.yaml";
    const string Auth = "04-auth-service.yaml";
    const string Order = "05-order-service.yaml";
    const string Database = "06-database-service.yaml";
    const string Notification = "07-notification-service.yaml";
    const string Gateway = "02-gateway.yaml";

    /// <summary>The shipped manifest faults, each written into the solution alone by the generator, as the catalog declares it.</summary>
    public static TheoryData<int> ShippedManifestFaults() => new(FaultFolders.Catalog.Shipped.Where(f => f.Kind == Incidents.FaultKind.Manifest).Select(f => f.Id));

    [Theory]
    [MemberData(nameof(ShippedManifestFaults))]
    public void Each_shipped_manifest_fault_as_the_catalog_writes_it_is_found_alone_under_its_number(int fault)
    {
        var entry = FaultFolders.Catalog.Get(fault);
        using var copy = FaultFolders.Incident(entry);

        FoundAlone(copy, fault, entry.FolderName, entry.File!);
    }

    /// <summary>The diagnosis of <paramref name="copy"/> is one finding, lab fault <paramref name="fault"/> in <paramref name="file"/>, the only fault of the grade left.</summary>
    static void FoundAlone(LabCopy copy, int fault, string variant, string file)
    {
        var report = copy.Diagnose();

        var finding = Assert.Single(report.Findings);
        Assert.True(finding.Fault == fault, $"{variant}: found {finding.Summary} as fault {finding.Fault?.ToString() ?? "none"}");
        Assert.Equal(file, finding.Location.File);
        Assert.Equal(7, report.FaultsFixed);
        Assert.Equal(FaultState.Present, report.Faults.Single(f => f.Number == fault).State);
    }

    /// <summary>
    /// Each lab fault put back into the solution by itself in another form than the catalog's (whose
    /// own values the test above writes): the rule finds the fault, not only the one value.
    /// </summary>
    public static TheoryData<int, string, string, string, string, string> OneFault() => new()
    {
        { 1, "DB_NAME a name the service refuses", Database, "- name: DB_NAME", "value: cloudmart-db", "value: \"cloud mart!\"" },
        { 2, "notification image of another tag", Notification, "kind: Deployment", "image: notification-service:latest", "image: notification-service:3" },
        { 3, "DATABASE_URL wrong port", Order, "- name: DATABASE_URL", "value: http://database-service:8080", "value: http://database-service:3000" },
        { 3, "DATABASE_URL another service", Order, "- name: DATABASE_URL", "value: http://database-service:8080", "value: http://notification-service:3000" },
        { 3, "DATABASE_URL in another namespace", Order, "- name: DATABASE_URL", "value: http://database-service:8080", "value: http://database-service.staging.svc.cluster.local:8080" },
        { 5, "gateway selector picks the api pods", Gateway, "kind: Service", "  selector:\n    app: gateway", "  selector:\n    app: api-service" },
        { 6, "auth limit 79Mi", Auth, "limits:", "memory: 128Mi", "memory: 79Mi" },
        { 8, "chaos 0.01", Database, "- name: CHAOS_FAILURE_RATE", "value: \"0\"", "value: \"0.01\"" },
    };

    [Theory]
    [MemberData(nameof(OneFault))]
    public void One_manifest_fault_is_found_alone_under_its_number(int fault, string variant, string file, string anchor, string old, string replacement)
    {
        using var copy = LabCopy.Solution().Edit(file, anchor, old, replacement);

        FoundAlone(copy, fault, variant, file);
    }

    [Fact]
    public void Full_cluster_name_of_the_database_is_fine()
    {
        using var copy = LabCopy.Solution().Edit(Order, "- name: DATABASE_URL", "value: http://database-service:8080",
            "value: http://database-service.production.svc.cluster.local:8080");

        Assert.Empty(copy.Diagnose().Findings);
    }

    [Fact]
    public void Chaos_variable_removed_is_fine()
    {
        using var copy = LabCopy.Solution().Edit(Database, "- name: CHAOS_FAILURE_RATE", "- name: CHAOS_FAILURE_RATE\n              value: \"0\"\n            ", "");

        Assert.Empty(copy.Diagnose().Findings);
    }

    [Fact]
    public void Retry_code_immediate_is_fault_7_alone_even_with_the_fix_patch_in_the_folder()
    {
        using var copy = LabCopy.Solution().WithRetry(Checks.RetryPolicyCheck.Immediate);
        Assert.True(File.Exists(copy.File("fault-7-retry-backoff.patch")));

        var report = copy.Diagnose();

        var finding = Assert.Single(report.Findings);
        Assert.Equal(7, finding.Fault);
        Assert.Equal(LabRepository.RetryFaultPath, finding.Location.File);
        Assert.Equal("RetryStrategy.Immediate", finding.Value);
        Assert.Equal(FaultState.Present, report.Faults.Single(f => f.Number == 7).State);
    }

    [Fact]
    public void Retry_code_switched_to_backoff_is_fixed_without_the_patch()
    {
        using var copy = LabCopy.Solution().Delete("fault-7-retry-backoff.patch");

        var report = copy.Diagnose();

        Assert.Empty(report.Findings);
        Assert.Contains(report.Notes, n => n.StartsWith("retry policy: exponential backoff (" + LabRepository.RetryFaultPath, StringComparison.Ordinal));
        Assert.Equal(8, report.FaultsFixed);
    }

    /// <summary>Valid manifests written another way than the solution's: none is a finding.</summary>
    public static TheoryData<string, string, string, string, string> ValidVariant() => new()
    {
        { "api liveness probe on the named port http", Api, "livenessProbe:", "port: 3000", "port: http" },
        { "api readiness probe on the named port http", Api, "readinessProbe:", "port: 3000", "port: http" },
        { "api Service targetPort named http", Api, "kind: Service", "targetPort: 3000", "targetPort: http" },
        { "auth PORT left to the service's default", Auth, "- name: PORT", "- name: PORT\n              value: \"3000\"\n            ", "" },
        { "guest checkout said on", Auth, "env:", "env:\n", "env:\n            - name: ALLOW_GUEST_CHECKOUT\n              value: \"true\"\n" },
        { "the gateway upstream by its full cluster name", Gateway, "upstream api_service", "server api-service:3000;", "server api-service.production.svc.cluster.local:3000;" },
    };

    [Theory]
    [MemberData(nameof(ValidVariant))]
    public void Valid_variant_has_no_finding(string variant, string file, string anchor, string old, string replacement)
    {
        using var copy = LabCopy.Solution().Edit(file, anchor, old, replacement);

        var report = copy.Diagnose();

        Assert.True(report.Findings.Count == 0, $"{variant}: {string.Join("; ", report.Findings.Select(f => f.Summary))}");
        Assert.Equal(8, report.FaultsFixed);
    }

    /// <summary>Breakage that is none of the eight faults, with the check that must see it.</summary>
    public static TheoryData<string, string, string, string, string, string, Severity> OtherProblem() => new()
    {
        { "NOTIFICATION_URL names no Service", Order, "- name: NOTIFICATION_URL", "value: http://notification-service:3000", "value: http://notification:3000", CheckNames.Urls, Severity.Error },
        { "api readiness probe on 8080", Api, "readinessProbe:", "port: 3000", "port: 8080", CheckNames.Probes, Severity.Error },
        { "auth liveness probe on 8080", Auth, "livenessProbe:", "port: 3000", "port: 8080", CheckNames.Probes, Severity.Error },
        { "order image never built", Order, "kind: Deployment", "image: order-service:latest", "image: order-service:v9", CheckNames.Images, Severity.Error },
        { "api Service selects no pods", Api, "kind: Service", "  selector:\n    app: api-service", "  selector:\n    app: api", CheckNames.Selectors, Severity.Error },
        { "chaos rate not a number", Database, "- name: CHAOS_FAILURE_RATE", "value: \"0\"", "value: \"half\"", CheckNames.Variables, Severity.Error },
        { "auth token lifetime zero", Auth, "- name: TOKEN_LIFETIME_MINUTES", "value: \"60\"", "value: \"0\"", CheckNames.Variables, Severity.Error },
        { "a variable no service reads", Auth, "- name: TOKEN_LIFETIME_MINUTES", "- name: TOKEN_LIFETIME_MINUTES", "- name: TOKEN_LIFETIME_MINUTE", CheckNames.Variables, Severity.Warning },
        { "api replicas 3", Api, "kind: Deployment", "replicas: 2", "replicas: 3", CheckNames.Hardening, Severity.Warning },
        { "api imagePullPolicy Always", Api, "kind: Deployment", "imagePullPolicy: IfNotPresent", "imagePullPolicy: Always", CheckNames.Images, Severity.Error },
        { "api imagePullPolicy unset on a :latest image", Api, "kind: Deployment", "          imagePullPolicy: IfNotPresent\n", "", CheckNames.Images, Severity.Error },
        { "api imagePullPolicy Never", Api, "kind: Deployment", "imagePullPolicy: IfNotPresent", "imagePullPolicy: Never", CheckNames.Hardening, Severity.Warning },
        { "api replicas 0", Api, "kind: Deployment", "replicas: 2", "replicas: 0", CheckNames.Hardening, Severity.Error },
        { "api Service targetPort 8080", Api, "kind: Service", "targetPort: 3000", "targetPort: 8080", CheckNames.Selectors, Severity.Error },
        { "api Service targetPort a name no container declares", Api, "kind: Service", "targetPort: 3000", "targetPort: web", CheckNames.Selectors, Severity.Error },
        { "Ingress backend names no Service", Gateway, "kind: Ingress", "name: gateway\n                port:", "name: gateway-svc\n                port:", CheckNames.Hardening, Severity.Error },
        { "guest checkout off", Auth, "env:", "env:\n", "env:\n            - name: ALLOW_GUEST_CHECKOUT\n              value: \"false\"\n", CheckNames.Variables, Severity.Error },
        { "order PORT set to another port", Order, "- name: PORT", "value: \"3000\"", "value: \"3001\"", CheckNames.Hardening, Severity.Error },
        { "gateway upstream names no Service", Gateway, "upstream api_service", "server api-service:3000;", "server api:3000;", CheckNames.Urls, Severity.Error },
        { "gateway upstream on a port the Service lacks", Gateway, "upstream api_service", "server api-service:3000;", "server api-service:8080;", CheckNames.Urls, Severity.Error },
        { "gateway proxy_pass straight to a missing host", Gateway, "location /api/", "proxy_pass http://api_service;", "proxy_pass http://api-svc:3000;", CheckNames.Urls, Severity.Error },
    };

    [Theory]
    [MemberData(nameof(OtherProblem))]
    public void Other_breakage_is_found_as_AP_roblem_that_is_no_lab_fault(string variant, string file, string anchor, string old, string replacement, string check, Severity severity)
    {
        using var copy = LabCopy.Solution().Edit(file, anchor, old, replacement);

        var report = copy.Diagnose();

        var finding = Assert.Single(report.Findings);
        Assert.True(finding.Fault is null, $"{variant}: {finding.Summary} taken for fault {finding.Fault}");
        Assert.Equal(check, finding.Check);
        Assert.Equal(severity, finding.Severity);
        Assert.Equal(file, finding.Location.File);
        Assert.Equal(8, report.FaultsFixed);
    }

    [Fact]
    public void Memory_limit_below_the_need_of_another_service_is_AP_roblem_that_is_no_lab_fault()
    {
        // The request equals the need, so the request comes down with the limit (or the request
        // above the limit would be a second finding).
        using var copy = LabCopy.Solution()
            .Edit(Database, "requests:", "memory: 64Mi", "memory: 32Mi")
            .Edit(Database, "limits:", "memory: 128Mi", "memory: 48Mi");

        var finding = Assert.Single(copy.Diagnose().Findings);

        Assert.Null(finding.Fault);
        Assert.Equal(CheckNames.Memory, finding.Check);
        Assert.Equal("database-service memory limit 48Mi is below its need of 64Mi", finding.Summary);
    }

    [Fact]
    public void Missing_deployment_is_AP_roblem_and_its_faults_are_not_checked()
    {
        using var copy = LabCopy.Solution().Delete(Notification);

        var report = copy.Diagnose();

        Assert.Contains(report.Findings, f => f.Check == CheckNames.Inventory && f.Summary == "solution has no Deployment called notification-service");
        Assert.All(report.Findings, f => Assert.Null(f.Fault));
        Assert.Equal(FaultState.NotChecked, report.Faults.Single(f => f.Number == 2).State);
        Assert.Equal(7, report.FaultsFixed);
    }
}
