namespace CloudMart.Cli.Tests.Support;

/// <summary>
/// What the tests of the real tool as a process share: a scratch state folder of their own (so
/// no run of a developer's is touched) and one way to run the tool in it, with a time limit.
/// </summary>
public abstract class CliProcessTest(TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null) : IDisposable
{
    protected TempFolder State { get; } = new();

    protected Task<CliResult> Run(params string[] args) => CliProcess.RunAsync(State.Path, timeout, environment, args);

    public void Dispose()
    {
        State.Dispose();
        GC.SuppressFinalize(this);
    }
}
