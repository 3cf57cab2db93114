using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CloudMart.Catalog;

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

    /// <summary>
    /// The group of one service of the run kept in <paramref name="layout"/>'s state folder: made
    /// again (or reused) at each start, so a restart lands in the same group, and findable by
    /// <see cref="RemoveGroups"/> after the run that made it is gone.
    /// </summary>
    public static string GroupName(LabLayout layout, ServiceSpec service) =>
        $"cloudmart-{service.Name}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(layout.StateDirectory)))[..8]}";

    /// <summary>The group of a run's service, while it exists; null when the run made none or it is gone.</summary>
    public static MemoryLimit? Existing(LabLayout layout, ServiceSpec service) =>
        new[] { V1Root, V2Root }.Select(root => System.IO.Path.Combine(root, GroupName(layout, service)))
            .Where(Directory.Exists).Select(folder => new MemoryLimit(folder)).FirstOrDefault();

    /// <summary>
    /// Removes the groups of a run's services, once their processes are gone: a group is a kernel
    /// object that stays after its last process, so each way a run ends (stop, down, the next up
    /// after a crash) calls this.
    /// </summary>
    public static void RemoveGroups(LabLayout layout)
    {
        foreach (var service in ServiceCatalog.Services)
        {
            Existing(layout, service)?.Dispose();
        }
    }

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
                // Busy while the killed process is still being reaped.
                Thread.Sleep(100);
            }
            catch (UnauthorizedAccessException)
            {
                return;
            }
        }
    }
}
