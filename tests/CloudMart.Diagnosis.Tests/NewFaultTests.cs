using CloudMart.Diagnosis.Checks;
using CloudMart.Diagnosis.Manifests;

namespace CloudMart.Diagnosis.Tests;

/// <summary>
/// The catalog's new faults (9 and up), each put into the solution by its own kustomize Component
/// (rendered with the installed kubectl): the diagnosis finds exactly it, as an error of the check
/// and subject its fault.yaml declares, in the file it declares, and nothing else. The solution
/// rendered the same way has no finding, so the render itself adds none.
/// </summary>
public class NewFaultTests
{
    public static TheoryData<int> Ids => [.. FaultFolders.New.Select(f => f.Id)];

    [Fact]
    public void The_catalog_has_at_least_eight_new_faults_each_with_its_own_check_and_subject_on_its_own_component()
    {
        Assert.True(FaultFolders.New.Count >= 8, $"{FaultFolders.New.Count} new faults");
        Assert.Equal(FaultFolders.New.Count, FaultFolders.New.Select(f => (f.Check, f.Component, f.Subject)).Distinct().Count());
        Assert.All(FaultFolders.New, f => Assert.Equal($"{f.Id:00}", f.Name[..2]));
        // None is one of the guide's faults under another number.
        Assert.All(FaultFolders.New, f => Assert.Null(LabFaults.Match(f.Check, f.Component, f.Subject)));
    }

    [Fact]
    public void The_solution_rendered_by_kustomize_has_no_finding()
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
            $"{fault}: found {finding.Check}/{finding.Service}/{finding.Subject}: {finding.Summary}");
        Assert.Equal(Severity.Error, finding.Severity);
        Assert.Equal(fault.File, finding.Location.File);
        Assert.NotNull(finding.Location.Line);
    }

    [Fact]
    public void All_new_faults_together_are_found_each_once_and_nothing_else()
    {
        using var copy = FaultFolders.Incident([.. FaultFolders.New]);

        var report = copy.Diagnose();

        Assert.Equal(
            FaultFolders.New.Select(f => $"{f.Check}/{f.Component}/{f.Subject}").Order(StringComparer.Ordinal),
            report.Findings.Select(f => $"{f.Check}/{f.Service}/{f.Subject}").Order(StringComparer.Ordinal));
        Assert.All(report.Findings, f => Assert.Equal(Severity.Error, f.Severity));
    }
}
