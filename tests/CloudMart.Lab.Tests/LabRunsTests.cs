using CloudMart.Lab;

namespace CloudMart.Cli.Tests.Lab;

/// <summary>Runs from one checkout each get a folder of their own, and a verb finds the one it means.</summary>
public sealed class LabRunsTests : IDisposable
{
    readonly TempFolder _folder = new();

    [Fact]
    public void Runs_on_other_ports_get_other_folders_and_the_default_ports_the_default_one()
    {
        Assert.Equal(LabRuns.DefaultName, LabRuns.NameFor(LabPorts.Default));
        Assert.Equal("port-8130", LabRuns.NameFor(new LabPorts(50)));
        Assert.Equal("port-9000", LabRuns.NameFor(new LabPorts(0, 9000)));
        var runs = new LabRuns(_folder.Path);
        Assert.NotEqual(runs.Folder(LabRuns.NameFor(LabPorts.Default)), runs.Folder(LabRuns.NameFor(new LabPorts(50))));
    }

    [Fact]
    public void Without_a_name_the_only_run_up_is_chosen_and_with_two_up_the_choice_is_refused()
    {
        var runs = new LabRuns(_folder.Path);
        Assert.Equal(LabRuns.DefaultName, runs.Choose(null, out var none).Name);
        Assert.Null(none);

        Up(runs, "second");
        Assert.Equal("second", runs.Choose(null, out var one).Name);
        Assert.Null(one);

        Up(runs, "third");
        runs.Choose(null, out var two);
        Assert.Contains("second, third", two);
        Assert.Contains("--name", two);
        Assert.Equal("third", runs.Choose("third", out _).Name);
    }

    [Theory]
    [InlineData("second")]
    [InlineData("run_2.b")]
    public void A_plain_folder_name_is_a_run_name(string name) =>
        Assert.Null(LabRuns.NameProblem(name));

    [Theory]
    [InlineData("")]
    [InlineData("../up")]
    [InlineData("a b")]
    [InlineData("-x")]
    public void Anything_but_a_plain_folder_name_is_not_a_run_name(string name) =>
        Assert.NotNull(LabRuns.NameProblem(name));

    /// <summary>A run record owned by this very process, which is alive.</summary>
    static void Up(LabRuns runs, string name) =>
        new RunRecord(Environment.ProcessId, ProcessInfo.StartTicks(Environment.ProcessId), DateTimeOffset.Now,
            [new RunRecordComponent("gateway", "http://127.0.0.1:18080", Environment.ProcessId, null, "gateway.log")])
            .Write(Path.Combine(runs.Folder(name), LabLayout.RunFileName));

    public void Dispose() => _folder.Dispose();
}
