using System.CommandLine;
using System.Text.Json;
using CloudMart.Cli.Commands;
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

    public async Task<int> InvokeAsync(VerifyEnvironment environment, params string[] args)
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
