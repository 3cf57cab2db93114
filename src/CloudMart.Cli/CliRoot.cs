using CloudMart.Cli.Commands;

namespace CloudMart.Cli;

/// <summary>Where a verb writes: results to <see cref="Out"/>, errors and progress to <see cref="Error"/>.</summary>
public sealed record CliConsoles(IAnsiConsole Out, IAnsiConsole Error);

/// <summary>The machine every verb sees; tests describe another one.</summary>
public sealed record CliMachine(UpEnvironment Up, DiagnoseEnvironment Diagnose)
{
    public static CliMachine FromMachine() => new(UpEnvironment.FromMachine(), DiagnoseEnvironment.FromMachine());

    /// <summary>Where the verbs after <c>up</c> find its runs: the same repository and state folder.</summary>
    public LabEnvironment Lab => Up;
}

/// <summary>The cloudmart command tree, the same for the tool and for its tests.</summary>
public static class CliRoot
{
    public static RootCommand Create(CliConsoles consoles, CliMachine machine)
    {
        var root = new RootCommand("cloudmart: run the CloudMart lab on this machine. The ./cloudmart script adds two verbs of its own: `test` (every test, set up first: ./cloudmart test --help) and `cluster up|down|status` (the test cluster).")
        {
            UpCommand.Create(consoles.Out, machine.Up, consoles.Error),
            DownCommand.Create(consoles, machine.Lab),
            StatusCommand.Create(consoles, machine.Lab),
            RestartCommand.Create(consoles, machine.Lab),
            LogsCommand.Create(consoles, machine.Lab),
            TraceCommand.Create(consoles, machine.Lab),
            LoadCommand.Create(consoles, machine.Lab),
            VerifyCommand.Create(consoles, machine.Lab),
            DiagnoseCommand.Create(consoles, machine.Diagnose),
            LabCommand.Create(consoles, machine.Diagnose),
        };
        root.Subcommands.Add(CompletionCommand.Create(consoles, () => root));
        VerbHelp.Apply(root);
        return root;
    }
}
