using System.Globalization;

namespace CloudMart.Lab;

/// <summary>
/// A kernel memory cgroup for one component of a local run, as a container's memory limit is:
/// past the limit the kernel's OOM killer ends the process. Needs root; v2 or v1 hierarchy.
/// </summary>
public sealed class MemoryLimit : IDisposable
{
    const string V1Root = "/sys/fs/cgroup/memory";
    const string V2Root = "/sys/fs/cgroup";

    MemoryLimit(string path) => Path = path;

    public string Path { get; }

    /// <summary>Makes the group, or says in words why this machine cannot.</summary>
    public static MemoryLimit Create(string name, int limitMiB)
    {
        if (Environment.UserName != "root" && !IsRoot())
        {
            throw new LabStartException(LabFailure.ExitedAtStart,
                $"a {limitMiB} MiB memory limit needs a kernel memory cgroup, and only root may make one; run as root (sudo ./cloudmart up ...) or leave out --fault 6");
        }
        var bytes = (limitMiB * 1024L * 1024L).ToString(CultureInfo.InvariantCulture);
        try
        {
            if (File.Exists(System.IO.Path.Combine(V1Root, "memory.limit_in_bytes")))
            {
                var path = System.IO.Path.Combine(V1Root, name);
                Directory.CreateDirectory(path);
                File.WriteAllText(System.IO.Path.Combine(path, "memory.limit_in_bytes"), bytes);
                TryWrite(System.IO.Path.Combine(path, "memory.swappiness"), "0");
                return new MemoryLimit(path);
            }
            var v2 = System.IO.Path.Combine(V2Root, name);
            TryWrite(System.IO.Path.Combine(V2Root, "cgroup.subtree_control"), "+memory");
            Directory.CreateDirectory(v2);
            File.WriteAllText(System.IO.Path.Combine(v2, "memory.max"), bytes);
            TryWrite(System.IO.Path.Combine(v2, "memory.swap.max"), "0");
            return new MemoryLimit(v2);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new LabStartException(LabFailure.ExitedAtStart, $"could not make a {limitMiB} MiB memory cgroup under {V2Root}: {ex.Message}");
        }
    }

    /// <summary>The same program, started inside the group: a shell joins it, then becomes the program.</summary>
    public LaunchCommand Wrap(LaunchCommand command) =>
        new("/bin/sh", ["-c", $"echo $$ > '{Path}/cgroup.procs' && exec \"$@\"", "memory-limit", command.FileName, .. command.Arguments]);

    /// <summary>How many times the kernel's OOM killer has acted in the group.</summary>
    public int OomKills()
    {
        foreach (var file in new[] { "memory.events", "memory.oom_control" })
        {
            var full = System.IO.Path.Combine(Path, file);
            if (File.Exists(full))
            {
                foreach (var line in File.ReadLines(full))
                {
                    if (line.Split(' ') is ["oom_kill", var count])
                    {
                        return int.Parse(count, CultureInfo.InvariantCulture);
                    }
                }
            }
        }
        return 0;
    }

    static bool IsRoot() => File.ReadLines("/proc/self/status").Any(l => l.StartsWith("Uid:", StringComparison.Ordinal)
        && l.Split('\t', StringSplitOptions.RemoveEmptyEntries) is [_, "0", ..]);

    static void TryWrite(string file, string value)
    {
        try
        {
            File.WriteAllText(file, value);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    public void Dispose()
    {
        for (var attempt = 0; attempt < 50 && Directory.Exists(Path); attempt++)
        {
            try
            {
                Directory.Delete(Path);
            }
            catch (IOException)
            {
                Thread.Sleep(100);
            }
        }
    }
}
