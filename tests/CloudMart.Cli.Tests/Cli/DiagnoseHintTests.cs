using CloudMart.Cli.Tests.Support;
using CloudMart.Diagnosis;
using Spectre.Console.Testing;

namespace CloudMart.Cli.Tests.Cli;

/// <summary><c>diagnose --hint N</c> tells each finding a level at a time: no fix and no cause at level 1.</summary>
public sealed class DiagnoseHintTests : IDisposable
{
    static readonly string Broken = Path.Combine(TestMachine.RepositoryRoot, "k8s", "day-4", "broken-production");
    readonly TempFolder _folder = new();

    async Task<string> Hints(int level)
    {
        using var output = new TestConsole();
        output.Profile.Width = 400;
        using var error = new TestConsole();
        var root = CliRoot.Create(new CliConsoles(output, error), CliMachines.Scratch(_folder.Path));
        var code = await CliInvocation.InvokeAsync(root, ["diagnose", Broken, "--hint", level.ToString(System.Globalization.CultureInfo.InvariantCulture)], output, error);
        Assert.Equal((int)ExitCodes.ProblemsFound, code);
        return output.Output;
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
                Assert.DoesNotContain(CloudMart.Diagnosis.LabFaults.Get(fault).Title, text);
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
