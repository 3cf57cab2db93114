using CloudMart.Catalog;

namespace CloudMart.Lab;

/// <summary>One local run as found in the state folder: its name, its folder and its record (null when it is not running).</summary>
public sealed record LabRun(string Name, string Folder, RunRecord? Record)
{
    /// <summary>Whether the <c>cloudmart up</c> that owns the run is still alive.</summary>
    public bool IsUp => Record is { OwnerIsAlive: true };

    public string RunFile => Path.Combine(Folder, LabLayout.RunFileName);

    public string LogsDirectory => Path.Combine(Folder, LabLayout.LogsFolderName);

    /// <summary>The gateway's address from the record, or null when the run is not up.</summary>
    public Uri? GatewayUrl =>
        IsUp && Record!.Components.FirstOrDefault(c => c.Name == ServiceCatalog.Gateway.Name) is { } gateway ? new Uri(gateway.Url) : null;
}

/// <summary>
/// The runs under one state folder, each in a folder of its own (runs/NAME: logs, data, nginx's
/// files, run.json), so two copies started from one checkout never share a file. A run is named
/// by <c>--name</c>, or after its gateway port when that is not the default one.
/// </summary>
public sealed class LabRuns(string stateRoot)
{
    public const string DefaultName = "default";

    public string Root { get; } = Path.GetFullPath(stateRoot);

    public string RunsFolder => Path.Combine(Root, "runs");

    public string Folder(string name) => Path.Combine(RunsFolder, name);

    public LabRun Get(string name) => new(name, Folder(name), RunRecord.Read(Path.Combine(Folder(name), LabLayout.RunFileName)));

    /// <summary>The name a run gets when none is given: <c>default</c> on the default ports, else <c>port-GATEWAYPORT</c>.</summary>
    public static string NameFor(LabPorts ports)
    {
        var gateway = ports.For(ServiceCatalog.Gateway);
        return gateway == LabPorts.Default.For(ServiceCatalog.Gateway) ? DefaultName : $"port-{gateway}";
    }

    /// <summary>Why <paramref name="name"/> cannot name a run, or null: it becomes a folder name, so it stays short and plain.</summary>
    public static string? NameProblem(string name) =>
        name.Length is < 1 or > 40 ? "a run name has 1 to 40 characters"
        : !char.IsAsciiLetterOrDigit(name[0]) ? "a run name starts with a letter or a digit"
        : name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') ? null
        : "a run name has only letters, digits, '-', '_' and '.'";

    /// <summary>Every run that has a folder, by name.</summary>
    public IReadOnlyList<LabRun> All() =>
        Directory.Exists(RunsFolder)
            ? [.. Directory.EnumerateDirectories(RunsFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal).Select(n => Get(n!))]
            : [];

    /// <summary>
    /// The run a verb means: the one named; else the only one that is up; else the default one.
    /// With several up and none named, <paramref name="problem"/> says so and lists them.
    /// </summary>
    public LabRun Choose(string? name, out string? problem)
    {
        problem = null;
        if (name is not null)
        {
            return Get(name);
        }
        var up = All().Where(r => r.IsUp).ToList();
        if (up.Count > 1)
        {
            problem = $"{up.Count} runs are up ({string.Join(", ", up.Select(r => r.Name))}); say which with --name";
        }
        return up.Count == 1 ? up[0] : Get(DefaultName);
    }
}
