namespace CloudMart.Cli.Commands;

/// <summary>
/// Where the lab is on this machine: the repository and the folder of its runs. Every verb that
/// works on a local run (down, status, restart, logs, trace, load, verify) takes this; <c>up</c>
/// takes <see cref="UpEnvironment"/>, this and what starting a run needs besides. Tests point it at their own.
/// </summary>
public record LabEnvironment
{
    public required string RepositoryRoot { get; init; }

    /// <summary>The folder that holds every run's folder (runs/NAME); null for <c>.cloudmart</c> in the repository.</summary>
    public string? StateDirectory { get; init; }

    public LabRuns Runs => new(StateDirectory ?? Path.Combine(RepositoryRoot, LabLayout.DefaultStateFolder));

    public LabLayout Layout(LabRun run) => new(RepositoryRoot, run.Folder);

    public static LabEnvironment FromMachine() => new()
    {
        RepositoryRoot = LabRepository.LocateRequired(AppContext.BaseDirectory).Root,
        StateDirectory = StateFromMachine(),
    };

    /// <summary>CLOUDMART_STATE_DIR, where set: the folder for every run's state instead of .cloudmart in the repository.</summary>
    public static string? StateFromMachine() =>
        Environment.GetEnvironmentVariable("CLOUDMART_STATE_DIR") is { Length: > 0 } folder ? Path.GetFullPath(folder) : null;
}
