using CloudMart.Lab;

namespace CloudMart.Faults.Tests;

/// <summary>
/// A kernel memory cgroup made for one test, the same kind <c>cloudmart up --fault 6</c> makes
/// (<see cref="MemoryLimit"/>). Needs root. Removed again on dispose.
/// </summary>
sealed class MemoryCgroup : IDisposable
{
    readonly MemoryLimit _limit;

    MemoryCgroup(MemoryLimit limit) => _limit = limit;

    public string Path => _limit.Path;

    public static MemoryCgroup Create(string name, int limitMiB) => new(MemoryLimit.Create(name, limitMiB));

    /// <summary>How many times the kernel's OOM killer has killed a process in this group.</summary>
    public int OomKills => _limit.OomKills();

    /// <summary>Starts a program inside the group: a shell joins it, then execs the program.</summary>
    public ServiceProcess Start(string program, IReadOnlyDictionary<string, string> variables)
    {
        var command = _limit.Wrap(new LaunchCommand(program, []));
        return ServiceProcess.Start(command.FileName, command.Arguments, variables);
    }

    public void Dispose() => _limit.Dispose();
}
