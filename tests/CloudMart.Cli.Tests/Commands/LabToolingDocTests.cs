namespace CloudMart.Cli.Tests.Commands;

/// <summary>docs/lab-tooling.md tells scripts which exit code means what; these keep it true.</summary>
public sealed class LabToolingDocTests
{
    static readonly string Doc = File.ReadAllText(Path.Combine(TestMachine.RepositoryRoot, "docs", "lab-tooling.md"));

    [Theory]
    [InlineData(ExitCodes.CriteriaMissed, "a criterion was missed")]
    [InlineData(ExitCodes.ChecksFailed, "at least one check failed")]
    [InlineData(ExitCodes.TargetUnreachable, "there was nothing to check")]
    [InlineData(ExitCodes.UsageError, "a bad option value")]
    [InlineData(ExitCodes.Interrupted, "interrupted")]
    public void The_docs_give_each_exit_code_its_number(ExitCodes code, string meaning) =>
        Assert.Contains($"**{(int)code}** {meaning}", Doc);

    [Fact]
    public void The_docs_exit_code_table_says_what_each_verbs_help_says()
    {
        foreach (var code in Enum.GetValues<ExitCodes>())
        {
            Assert.Contains($"| {(int)code} | {VerbHelp.Meaning(code)} |", Doc);
        }
    }
}
