using CloudMart.Cli.Commands;

namespace CloudMart.Cli;

/// <summary>Where a verb writes: results to <see cref="Out"/>, errors and progress to <see cref="Error"/>.</summary>
public sealed record CliConsoles(IAnsiConsole Out, IAnsiConsole Error);

/// <summary>The machine every verb sees; tests describe another one.</summary>
public sealed record CliMachine(UpEnvironment Up, DiagnoseEnvironment Diagnose, VerifyEnvironment Verify)
{
    public static CliMachine FromMachine() => new(UpEnvironment.FromMachine(), DiagnoseEnvironment.FromMachine(), VerifyEnvironment.FromMachine());
}

/// <summary>The cloudmart command tree, the same for the tool and for its tests.</summary>
public static class CliRoot
{
    public static RootCommand Create(CliConsoles consoles, CliMachine machine)
    {
        var root = new RootCommand("cloudmart: run the CloudMart lab on this machine. The ./cloudmart script adds two verbs of its own: `test` (every test, set up first: ./cloudmart test --help) and `cluster up|down|status` (the test cluster).")
        {
            UpCommand.Create(consoles.Out, machine.Up, consoles.Error),
            DownCommand.Create(consoles, machine.Verify),
            StatusCommand.Create(consoles, machine.Verify),
            RestartCommand.Create(consoles, machine.Verify),
            LogsCommand.Create(consoles, machine.Verify),
            TraceCommand.Create(consoles, machine.Verify),
            LoadCommand.Create(consoles, machine.Verify),
            VerifyCommand.Create(consoles, machine.Verify),
            DiagnoseCommand.Create(consoles, machine.Diagnose),
            LabCommand.Create(consoles, machine.Diagnose),
        };
        root.Subcommands.Add(CompletionCommand.Create(consoles, () => root));
        VerbHelp.Apply(root);
        return root;
    }
}
