using CloudMart.Cli;
using CloudMart.Testing;

namespace CloudMart.Cli.Tests.Support;

/// <summary>The machines the verbs run on in these tests: this repository, a scratch state folder.</summary>
public static class CliMachines
{
    public static UpEnvironment Up(NginxSetup nginx, string stateDirectory) => new()
    {
        RepositoryRoot = TestMachine.RepositoryRoot,
        BuildConfiguration = UpEnvironment.ThisConfiguration,
        Nginx = nginx,
        StateDirectory = stateDirectory,
        CommandStarted = DateTimeOffset.Now,
    };

    /// <summary>Every verb's machine, with no nginx installed.</summary>
    public static CliMachine Scratch(string folder) => new(
        Up(TestMachine.NoNginx(folder), Path.Combine(folder, "state")),
        new DiagnoseEnvironment { RepositoryRoot = TestMachine.RepositoryRoot, WorkingDirectory = TestMachine.RepositoryRoot });
}
