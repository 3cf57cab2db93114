using System.CommandLine;
using System.Text.Json;
using Spectre.Console.Testing;

namespace CloudMart.Cli.Tests.Support;

/// <summary>Runs cloudmart command lines (load and verify) against a fake console and keeps what they printed.</summary>
public sealed class CliRun : IDisposable
{
    readonly TestConsole _console = new();

    public CliRun()
    {
        _console.Profile.Width = 250;
    }

    public string Output => _console.Output;

    public async Task<int> InvokeAsync(LabEnvironment environment, params string[] args)
    {
        var root = new RootCommand("test") { LoadCommand.Create(_console), VerifyCommand.Create(_console, environment) };
        return await CliInvocation.InvokeAsync(root, args, _console);
    }

    /// <summary>The output as JSON (for --json runs, which print nothing else).</summary>
    public JsonElement Json()
    {
        using var document = JsonDocument.Parse(Output);
        return document.RootElement.Clone();
    }

    public void Dispose() => _console.Dispose();
}

/// <summary>
/// The whole cloudmart command tree in-process, its stdout and stderr on two fake consoles, on a
/// machine with this repository and a scratch state folder.
/// </summary>
public static class InProcessCli
{
    public static RootCommand Root(TestConsole output, TestConsole error, string scratchFolder) =>
        CliRoot.Create(new CliConsoles(output, error), CliMachines.Scratch(scratchFolder));

    /// <param name="width">The stdout console's width; the fake console's own (80) when null.</param>
    public static async Task<CliResult> RunAsync(string scratchFolder, string[] args, int? width = null)
    {
        using var output = new TestConsole();
        if (width is { } columns)
        {
            output.Profile.Width = columns;
        }
        using var error = new TestConsole();
        var code = await CliInvocation.InvokeAsync(Root(output, error, scratchFolder), args, output, error);
        return new CliResult(code, output.Output, error.Output);
    }
}
