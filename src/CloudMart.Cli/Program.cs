using System.CommandLine;
using CloudMart.Cli.Commands;
using Spectre.Console;

namespace CloudMart.Cli;

static class Program
{
    static Task<int> Main(string[] args)
    {
        var console = AnsiConsole.Console;
        if (Console.IsOutputRedirected)
        {
            // Going to a file or a pipe: keep each line whole rather than wrapped at 80 columns.
            console.Profile.Width = 200;
        }
        var root = new RootCommand("cloudmart: run the CloudMart lab on this machine.")
        {
            UpCommand.Create(console, UpEnvironment.FromMachine()),
            DiagnoseCommand.Create(console, DiagnoseEnvironment.FromMachine()),
            LoadCommand.Create(console),
            VerifyCommand.Create(console, VerifyEnvironment.FromMachine()),
        };
        return CliInvocation.InvokeAsync(root, args, console);
    }
}
