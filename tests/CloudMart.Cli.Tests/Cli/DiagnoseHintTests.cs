using CloudMart.Diagnosis;

namespace CloudMart.Cli.Tests.Cli;

/// <summary><c>diagnose --hint N</c> tells each finding a level at a time: no fix and no cause at level 1.</summary>
public sealed class DiagnoseHintTests : IDisposable
{
    static readonly string Broken = Path.Combine(TestMachine.RepositoryRoot, "k8s", "day-4", "broken-production");
    readonly TempFolder _folder = new();

    async Task<string> Hints(int level)
    {
        var result = await InProcessCli.RunAsync(_folder.Path, ["diagnose", Broken, "--hint", level.ToString(System.Globalization.CultureInfo.InvariantCulture)], width: 400);
        Assert.Equal((int)ExitCodes.ProblemsFound, result.ExitCode);
        return result.Stdout;
    }

    [Fact]
    public async Task Level_1_gives_the_symptom_and_where_to_look_and_no_cause_fix_or_fault_title()
    {
        var report = FolderDiagnosis.Run(Broken);
        var text = await Hints(1);

        foreach (var finding in report.Findings)
        {
            Assert.Contains(finding.Symptom, text);
            Assert.Contains(finding.Location.Resource, text);
            Assert.DoesNotContain(finding.Fix, text);
            Assert.DoesNotContain(finding.RootCause, text);
            if (finding.Fault is { } fault)
            {
                Assert.DoesNotContain(CloudMart.Incidents.LabFaults.Get(fault).Title, text);
            }
        }
        Assert.Contains("--hint 2", text);
    }

    [Fact]
    public async Task Level_2_adds_the_cause_and_level_3_the_fix()
    {
        var report = FolderDiagnosis.Run(Broken);
        var two = await Hints(2);
        var three = await Hints(3);

        foreach (var finding in report.Findings)
        {
            Assert.Contains(finding.RootCause, two);
            Assert.DoesNotContain(finding.Fix, two);
            Assert.Contains(finding.Fix, three);
        }
    }

    public void Dispose() => _folder.Dispose();
}
