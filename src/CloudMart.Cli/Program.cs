using CloudMart.Cli.Commands;

namespace CloudMart.Cli;

static class Program
{
    static Task<int> Main(string[] args)
    {
        var console = TerminalStyle.Console(Console.Out, Console.IsOutputRedirected);
        var error = TerminalStyle.Console(Console.Error, Console.IsErrorRedirected);
        var root = CliRoot.Create(new CliConsoles(console, error), CliMachine.FromMachine());
        return CliInvocation.InvokeAsync(root, args, console, error);
    }
}
