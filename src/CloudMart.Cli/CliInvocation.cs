using System.CommandLine;
using Spectre.Console;

namespace CloudMart.Cli;

/// <summary>Parses and runs a command line, reporting a bad one with <see cref="ExitCodes.UsageError"/>.</summary>
public static class CliInvocation
{
    public static async Task<int> InvokeAsync(RootCommand root, string[] args, IAnsiConsole console, CancellationToken cancellationToken = default)
    {
        var parse = root.Parse(args.Length == 0 ? ["--help"] : args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                console.MarkupLineInterpolated($"[red]error:[/] {error.Message}");
            }
            var verb = parse.CommandResult.Command == root ? "" : " " + parse.CommandResult.Command.Name;
            console.MarkupLineInterpolated($"Run 'cloudmart{verb} --help' for the options.");
            return (int)ExitCodes.UsageError;
        }
        var invocation = new InvocationConfiguration
        {
            Output = console.Profile.Out.Writer,
            Error = console.Profile.Out.Writer,
            // Verbs that run processes handle SIGINT and SIGTERM themselves, so they can stop their
            // children however long it takes; the parser's own handling would exit after a timeout.
            ProcessTerminationTimeout = null,
        };
        return await parse.InvokeAsync(invocation, cancellationToken);
    }
}
