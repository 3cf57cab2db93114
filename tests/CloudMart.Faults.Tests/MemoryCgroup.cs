using System.Globalization;

namespace CloudMart.Faults.Tests;

/// <summary>
/// A kernel memory cgroup made for one test: v1 (memory controller at /sys/fs/cgroup/memory)
/// where the machine has it, else v2. Needs root. Removed again on dispose.
/// </summary>
sealed class MemoryCgroup : IDisposable
{
    const string V1Root = "/sys/fs/cgroup/memory";
    const string V2Root = "/sys/fs/cgroup";

    readonly bool _v1;

    MemoryCgroup(string path, bool v1)
    {
        Path = path;
        _v1 = v1;
    }

    public string Path { get; }

    public static MemoryCgroup Create(string name, int limitMiB)
    {
        var bytes = (limitMiB * 1024L * 1024L).ToString(CultureInfo.InvariantCulture);
        if (File.Exists(System.IO.Path.Combine(V1Root, "memory.limit_in_bytes")))
        {
            var path = System.IO.Path.Combine(V1Root, name);
            Directory.CreateDirectory(path);
            File.WriteAllText(System.IO.Path.Combine(path, "memory.limit_in_bytes"), bytes);
            TryWrite(System.IO.Path.Combine(path, "memory.swappiness"), "0");
            return new MemoryCgroup(path, v1: true);
        }
        if (File.Exists(System.IO.Path.Combine(V2Root, "cgroup.controllers"))
            && File.ReadAllText(System.IO.Path.Combine(V2Root, "cgroup.controllers")).Contains("memory", StringComparison.Ordinal))
        {
            TryWrite(System.IO.Path.Combine(V2Root, "cgroup.subtree_control"), "+memory");
            var path = System.IO.Path.Combine(V2Root, name);
            Directory.CreateDirectory(path);
            File.WriteAllText(System.IO.Path.Combine(path, "memory.max"), bytes);
            TryWrite(System.IO.Path.Combine(path, "memory.swap.max"), "0");
            return new MemoryCgroup(path, v1: false);
        }
        throw new InvalidOperationException("this machine has no memory cgroup controller (neither v1 at /sys/fs/cgroup/memory nor v2)");
    }

    /// <summary>How many times the kernel's OOM killer has killed a process in this group.</summary>
    public int OomKills
    {
        get
        {
            var file = System.IO.Path.Combine(Path, _v1 ? "memory.oom_control" : "memory.events");
            foreach (var line in File.ReadLines(file))
            {
                var parts = line.Split(' ');
                if (parts is ["oom_kill", var count])
                {
                    return int.Parse(count, CultureInfo.InvariantCulture);
                }
            }
            return 0;
        }
    }

    /// <summary>Starts a program inside the group: a shell joins it, then execs the program.</summary>
    public ServiceProcess Start(string program, IReadOnlyDictionary<string, string> variables) =>
        ServiceProcess.Start("/bin/sh", ["-c", $"echo $$ > '{Path}/cgroup.procs' && exec \"$0\"", program], variables);

    static void TryWrite(string file, string value)
    {
        try
        {
            File.WriteAllText(file, value);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
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
