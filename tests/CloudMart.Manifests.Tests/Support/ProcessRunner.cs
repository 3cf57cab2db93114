using CloudMart.Lab;

namespace CloudMart.Manifests.Tests.Support;

/// <summary>Runs a command to its end from the repository root, or kills it after a time limit so no test can hang.</summary>
public static class ProcessRunner
{
    public static ProgramResult Run(string fileName, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null,
        TimeSpan? timeout = null) =>
        ProgramRun.Run(fileName, arguments, timeout ?? TimeSpan.FromSeconds(30), environment, workingDirectory ?? Repo.Root);

    /// <summary>Where an executable is on PATH, or null.</summary>
    public static string? Which(string name) => ProgramRun.Which(name);
}
