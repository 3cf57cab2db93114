using CloudMart.Diagnosis.Checks;
using CloudMart.Manifests;

namespace CloudMart.Diagnosis.Tests;

/// <summary>
/// The catalog's new faults (9 and up), each written into the solution by the incident generator:
/// the diagnosis finds exactly it, as an error of the check and subject its fault.yaml declares, in
/// the file it declares, and nothing else. The generator's incident of no fault has no finding, so
/// the writing itself adds none.
/// </summary>
public class NewFaultTests
{
    public static TheoryData<int> Ids => [.. FaultFolders.New.Select(f => f.Id)];

    [Fact]
    public void The_catalog_has_at_least_eight_new_faults_each_with_its_own_check_and_subject_on_its_own_component()
    {
        Assert.True(FaultFolders.New.Count >= 8, $"{FaultFolders.New.Count} new faults");
        Assert.Equal(FaultFolders.New.Count, FaultFolders.New.Select(f => (f.Check, f.Component, f.Subject)).Distinct().Count());
        Assert.All(FaultFolders.New, f => Assert.Equal($"{f.Id:00}", f.FolderName[..2]));
        // The catalog tells each finding apart: the check, component and subject of each is its own fault and no other.
        Assert.All(FaultFolders.New, f => Assert.Equal(f.Id, LabFaults.Match(f.Check, f.Component, f.Subject)?.Number));
    }

    [Fact]
    public void The_incident_of_no_fault_has_no_finding()
    {
        using var copy = FaultFolders.Incident();

        var report = copy.Diagnose();

        Assert.True(report.Findings.Count == 0, string.Join("; ", report.Findings.Select(f => f.Summary)));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Each_new_fault_alone_is_the_one_finding_of_its_incident(int id)
    {
        var fault = FaultFolders.Get(id);
        using var copy = FaultFolders.Incident(fault);

        var report = copy.Diagnose();

        var finding = Assert.Single(report.Findings);
        Assert.True((finding.Check, finding.Service, finding.Subject) == (fault.Check, fault.Component, fault.Subject),
            $"{fault.FolderName}: found {finding.Check}/{finding.Service}/{finding.Subject}: {finding.Summary}");
        Assert.Equal(Severity.Error, finding.Severity);
        Assert.Equal(fault.Id, finding.Fault);
        Assert.Equal(fault.File, finding.Location.File);
        Assert.NotNull(finding.Location.Line);
    }

    [Fact]
    public void All_new_faults_together_are_found_each_once_and_nothing_else()
    {
        using var copy = FaultFolders.Incident(FaultFolders.New);

        var report = copy.Diagnose();

        Assert.Equal(
            FaultFolders.New.Select(f => $"{f.Check}/{f.Component}/{f.Subject}").Order(StringComparer.Ordinal),
            report.Findings.Select(f => $"{f.Check}/{f.Service}/{f.Subject}").Order(StringComparer.Ordinal));
        Assert.All(report.Findings, f => Assert.Equal(Severity.Error, f.Severity));
        Assert.Equal(FaultFolders.New.Select(f => (int?)f.Id).Order(), report.Findings.Select(f => f.Fault).Order());
    }
}

/// <summary>The new rules on hand-made variants of the solution: healthy ways to write the same fields stay silent, other breakage is found.</summary>
public class NewRuleVariantTests
{
    const string Api = "03-api-service.yaml";
    const string Order = "05-order-service.yaml";
    const string Database = "06-database-service.yaml";
    const string Notification = "07-notification-service.yaml";

    const string Policy = "09-policy.yaml";

    /// <summary>A policy on the pods of <paramref name="selected"/>; <paramref name="rules"/> (its ingress or egress list) goes under spec.</summary>
    static string NetworkPolicy(string selected, string types, string rules) => $"""
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata:
          name: test-policy
          namespace: production
        spec:
          podSelector:
            matchLabels:
              app: {selected}
          policyTypes: [{types}]
        {string.Join("\n", rules.Split('\n').Select(line => "  " + line))}

        """;

    const string AdmitOrder = """
        ingress:
          - from:
              - podSelector:
                  matchLabels:
                    app: order-service
            ports:
              - port: 8080
        """;

    const string AdmitOrderByNamespaceAndNamedPort = """
        ingress:
          - from:
              - namespaceSelector:
                  matchLabels:
                    kubernetes.io/metadata.name: production
                podSelector:
                  matchExpressions:
                    - {key: app, operator: In, values: [order-service, api-service]}
            ports:
              - port: http
        """;

    const string AdmitOrderOnAnotherPort = """
        ingress:
          - from:
              - podSelector:
                  matchLabels:
                    app: order-service
            ports:
              - port: 3000
        """;

    const string OnlyDns = """
        egress:
          - to:
              - namespaceSelector: {}
            ports:
              - port: 53
                protocol: UDP
        """;

    static LabCopy WithPolicy(string yaml)
    {
        var copy = LabCopy.Solution();
        File.WriteAllText(copy.File(Policy), yaml);
        return copy;
    }

    public static TheoryData<string, string, string, string, string> Valid() => new()
    {
        { "order grace period 20 s covers the 15 s it needs", Order, "terminationGracePeriodSeconds", "terminationGracePeriodSeconds: 30", "terminationGracePeriodSeconds: 20" },
        { "order grace period unset (30 s)", Order, "template:", "      terminationGracePeriodSeconds: 30\n", "" },
        { "notification command is the image's entrypoint", Notification, "imagePullPolicy: IfNotPresent", "imagePullPolicy: IfNotPresent", "imagePullPolicy: IfNotPresent\n          command: [\"/app/notification-service\"]" },
        { "database claim on k3d's local-path class", Database, "- ReadWriteOnce", "- ReadWriteOnce", "- ReadWriteOnce\n  storageClassName: local-path" },
        { "api CPU limit of one whole core", Api, "limits:", "cpu: 500m", "cpu: \"1\"" },
        { "api CPU limit at the need", Api, "limits:", "cpu: 500m", "cpu: 50m" },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Healthy_variant_has_no_finding(string variant, string file, string anchor, string old, string replacement)
    {
        using var copy = LabCopy.Solution().Edit(file, anchor, old, replacement);

        var findings = copy.Diagnose().Findings;

        Assert.True(findings.Count == 0, $"{variant}: {string.Join("; ", findings.Select(f => f.Summary))}");
    }

    [Fact]
    public void A_drain_of_0_s_needs_only_the_in_flight_grace()
    {
        using var copy = LabCopy.Solution()
            .Edit(Order, "terminationGracePeriodSeconds", "terminationGracePeriodSeconds: 30", $"terminationGracePeriodSeconds: {ServiceCatalog.InFlightGraceSeconds}")
            .Edit(Order, "env:", "env:\n", "env:\n            - name: SHUTDOWN_DRAIN_SECONDS\n              value: \"0\"\n");

        Assert.Empty(copy.Diagnose().Findings);
    }

    public static TheoryData<string, string, string, string, string, string, string, string> Broken() => new()
    {
        { "order drain 20 s in a 20 s grace period", Order, "env:", "env:\n", "env:\n            - name: SHUTDOWN_DRAIN_SECONDS\n              value: \"20\"\n", CheckNames.Shutdown, "order-service", "terminationGracePeriodSeconds" },
        { "notification arguments", Notification, "imagePullPolicy: IfNotPresent", "imagePullPolicy: IfNotPresent", "imagePullPolicy: IfNotPresent\n          args: [\"--urls\", \"http://+:3000\"]", CheckNames.Images, "notification-service", "command" },
        { "database claim with provisioning turned off", Database, "- ReadWriteOnce", "- ReadWriteOnce", "- ReadWriteOnce\n  storageClassName: \"\"", CheckNames.Storage, "database-service", "storageClassName" },
        { "api CPU request above its limit", Api, "requests:", "cpu: 50m", "cpu: 600m", CheckNames.Cpu, "api-service", "request" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void Other_breakage_of_the_new_fields_is_found(string variant, string file, string anchor, string old, string replacement, string check, string service, string subject)
    {
        // The drain variant has the grace period come down too.
        using var copy = LabCopy.Solution().Edit(file, anchor, old, replacement);
        if (check == CheckNames.Shutdown)
        {
            copy.Edit(file, "terminationGracePeriodSeconds", "terminationGracePeriodSeconds: 30", "terminationGracePeriodSeconds: 20");
        }

        var finding = Assert.Single(copy.Diagnose().Findings);

        Assert.True((finding.Check, finding.Service, finding.Subject) == (check, service, subject), $"{variant}: {finding.Check}/{finding.Service}/{finding.Subject}: {finding.Summary}");
        Assert.Equal(Severity.Error, finding.Severity);
        Assert.Equal(file, finding.Location.File);
    }

    [Fact]
    public void A_CPU_limit_below_the_need_is_found_on_any_service_and_a_limit_under_the_request_too()
    {
        using var copy = LabCopy.Solution().Edit(Order, "requests:", "cpu: 50m", "cpu: 20m").Edit(Order, "limits:", "cpu: 500m", "cpu: 20m");
        var finding = Assert.Single(copy.Diagnose().Findings);
        Assert.Equal((CheckNames.Cpu, "order-service", "limit", Severity.Error), (finding.Check, finding.Service, finding.Subject, finding.Severity));
        Assert.Equal("order-service CPU limit 20m is below its need of 50m", finding.Summary);

        using var under = LabCopy.Solution().Edit(Order, "limits:", "cpu: 500m", "cpu: 20m");
        Assert.Equal(["limit", "request"], under.Diagnose().Findings.Select(f => f.Subject).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(AdmitOrder)]
    [InlineData(AdmitOrderByNamespaceAndNamedPort)]
    public void A_policy_that_admits_the_order_service_is_fine(string rules)
    {
        using var copy = WithPolicy(NetworkPolicy("database-service", "Ingress", rules));

        var findings = copy.Diagnose().Findings;

        Assert.True(findings.Count == 0, string.Join("; ", findings.Select(f => f.Summary)));
    }

    [Fact]
    public void A_policy_that_admits_the_order_service_on_another_port_cuts_it_off()
    {
        using var copy = WithPolicy(NetworkPolicy("database-service", "Ingress", AdmitOrderOnAnotherPort));

        var finding = Assert.Single(copy.Diagnose().Findings);

        Assert.Equal((CheckNames.Network, "database-service", "ingress"), (finding.Check, finding.Service, finding.Subject));
        Assert.Equal("NetworkPolicy test-policy stops order-service from reaching database-service:8080", finding.Summary);
        Assert.Equal(Policy, finding.Location.File);
    }

    [Fact]
    public void An_egress_policy_that_lets_the_order_service_out_only_to_dns_cuts_off_both_its_dependencies()
    {
        using var copy = WithPolicy(NetworkPolicy("order-service", "Egress", OnlyDns));

        var findings = copy.Diagnose().Findings;

        Assert.Equal(
            ["NetworkPolicy test-policy stops order-service from reaching database-service:8080", "NetworkPolicy test-policy stops order-service from reaching notification-service:3000"],
            findings.Select(f => f.Summary).Order(StringComparer.Ordinal));
        Assert.All(findings, f => Assert.Equal((CheckNames.Network, "order-service", "egress", Severity.Error), (f.Check, f.Service, f.Subject, f.Severity)));
    }
}
