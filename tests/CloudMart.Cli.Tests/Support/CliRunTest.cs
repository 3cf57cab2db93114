using System.Text.Json;

namespace CloudMart.Cli.Tests.Support;

/// <summary>
/// What the tests of <c>load</c> and <c>verify</c> against a fake console share: one console per
/// test, and a machine with no local run (this repository and a scratch state folder of the test's
/// own, made only when a test asks for it), so no run of a developer's is found or touched.
/// </summary>
public abstract class CliRunTest : IDisposable
{
    readonly Lazy<TempFolder> _scratch = new(() => new TempFolder());

    protected CliRun Cli { get; } = new();

    protected string ScratchFolder => _scratch.Value.Path;

    protected LabEnvironment NoRun => new() { RepositoryRoot = TestMachine.RepositoryRoot, StateDirectory = ScratchFolder };

    /// <summary>Runs a command line on <paramref name="machine"/> and checks that it ends with <paramref name="expected"/>; what it printed is then in <see cref="Cli"/>.</summary>
    protected async Task RunAsync(LabEnvironment machine, ExitCodes expected, params string[] args)
    {
        var code = await Cli.InvokeAsync(machine, args);
        Assert.True(code == (int)expected, Cli.Output);
    }

    public void Dispose()
    {
        Cli.Dispose();
        if (_scratch.IsValueCreated)
        {
            _scratch.Value.Dispose();
        }
        GC.SuppressFinalize(this);
    }
}

/// <summary>The same against one real local run, shared by a test collection.</summary>
public abstract class LocalLabCliTest(LocalLab lab) : CliRunTest
{
    protected LocalLab Run => lab;

    /// <summary>The run's gateway, as the learner types it (no trailing slash).</summary>
    protected string Gateway => lab.Gateway.ToString().TrimEnd('/');

    /// <summary><c>load</c> against the run's gateway, ending with <paramref name="expected"/>; its output is in <see cref="CliRunTest.Cli"/>.</summary>
    protected Task Load(ExitCodes expected, params string[] options) => RunAsync(lab.Environment, expected, ["load", "--url", Gateway, .. options]);

    /// <summary><c>verify</c> of the run, ending with <paramref name="expected"/>; its output is in <see cref="CliRunTest.Cli"/>.</summary>
    protected Task Verify(ExitCodes expected, params string[] options) => RunAsync(lab.Environment, expected, ["verify", .. options]);

    /// <summary>load --json: its exit code checked, its document returned.</summary>
    protected async Task<JsonElement> LoadJsonAsync(ExitCodes expected, params string[] options)
    {
        await Load(expected, [.. options, "--json"]);
        return Cli.Json();
    }

    /// <summary>verify --json: its exit code checked, its document returned.</summary>
    protected async Task<JsonElement> VerifyJsonAsync(ExitCodes expected, params string[] options)
    {
        await Verify(expected, [.. options, "--json"]);
        return Cli.Json();
    }
}
