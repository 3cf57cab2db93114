namespace CloudMart.Benchmark;

/// <summary>The CPU time (user + system, in clock ticks) of every process of a process group at one moment.</summary>
public sealed record GroupCpuSample(IReadOnlyDictionary<int, long> TicksByPid);

/// <summary>The machine's CPU counters from /proc/stat at one moment, in clock ticks summed over all cores.</summary>
public sealed record MachineCpuSample(long Busy, long Total);

/// <summary>Resident memory of a process group: current (VmRSS) and peak (VmHWM), in KiB, summed over its processes.</summary>
public sealed record GroupMemory(long RssKiB, long PeakKiB, int Processes)
{
    public double RssMib => RssKiB / 1024.0;

    public double PeakMib => PeakKiB / 1024.0;
}

/// <summary>
/// Reads /proc. Each component of a local run leads a process group of its own (the lab starts it
/// with setsid), so the group holds the component and whatever it started: nginx's master and
/// workers, a service alone.
/// </summary>
public static class ProcStat
{
    public static long ClockTicksPerSecond { get; } = ReadClockTicks();

    public static TimeSpan TicksToTime(long ticks) => TimeSpan.FromSeconds((double)ticks / ClockTicksPerSecond);

    /// <summary>User + system ticks of each process of the given process groups, by group.</summary>
    public static Dictionary<int, GroupCpuSample> SampleGroups(IReadOnlyCollection<int> groups)
    {
        var byGroup = groups.ToDictionary(g => g, _ => new Dictionary<int, long>());
        foreach (var stat in AllStats())
        {
            if (byGroup.TryGetValue(stat.Group, out var pids))
            {
                pids[stat.Pid] = stat.UserTicks + stat.SystemTicks;
            }
        }
        return byGroup.ToDictionary(g => g.Key, g => new GroupCpuSample(g.Value));
    }

    /// <summary>
    /// CPU ticks a group used between two samples. A process that appeared meanwhile counts in full;
    /// one that vanished counts nothing (its last interval is lost, which a run does not expect).
    /// </summary>
    public static long Delta(GroupCpuSample before, GroupCpuSample after)
    {
        long total = 0;
        foreach (var (pid, ticks) in after.TicksByPid)
        {
            total += ticks - before.TicksByPid.GetValueOrDefault(pid);
        }
        return Math.Max(0, total);
    }

    public static MachineCpuSample SampleMachine()
    {
        // cpu  user nice system idle iowait irq softirq steal guest guest_nice
        var line = File.ReadLines("/proc/stat").First(l => l.StartsWith("cpu ", StringComparison.Ordinal));
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Sum();
        var idle = fields[3] + fields[4];
        return new MachineCpuSample(total - idle, total);
    }

    /// <summary>CPU ticks of this process's children that have exited and been waited for (cutime + cstime).</summary>
    public static long ReapedChildrenTicks()
    {
        var fields = StatFields(File.ReadAllText("/proc/self/stat"));
        return Field(fields, 16) + Field(fields, 17);
    }

    /// <summary>CPU ticks this process used itself.</summary>
    public static long OwnTicks()
    {
        var fields = StatFields(File.ReadAllText("/proc/self/stat"));
        return Field(fields, 14) + Field(fields, 15);
    }

    public static GroupMemory Memory(int group)
    {
        long rss = 0, peak = 0;
        var count = 0;
        foreach (var stat in AllStats().Where(s => s.Group == group))
        {
            if (StatusKiB(stat.Pid) is { } figures)
            {
                rss += figures.Rss;
                peak += figures.Peak;
                count++;
            }
        }
        return new GroupMemory(rss, peak, count);
    }

    /// <summary>The 1, 5 and 15 minute load averages.</summary>
    public static double[] LoadAverage() =>
        File.ReadAllText("/proc/loadavg").Split(' ').Take(3).Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray();

    static (long Rss, long Peak)? StatusKiB(int pid)
    {
        try
        {
            long? rss = null, peak = null;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = KiB(line);
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    peak = KiB(line);
                }
            }
            return rss is { } r ? (r, peak ?? r) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        static long KiB(string line) =>
            long.Parse(line[(line.IndexOf(':') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    sealed record ProcessStat(int Pid, int Group, long UserTicks, long SystemTicks);

    static IEnumerable<ProcessStat> AllStats()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            string text;
            try
            {
                text = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            var fields = StatFields(text);
            yield return new ProcessStat(pid, (int)Field(fields, 5), Field(fields, 14), Field(fields, 15));
        }
    }

    // The command name (field 2) may hold spaces and parentheses; what follows its closing one is plain.
    static string[] StatFields(string stat) => stat[(stat.LastIndexOf(')') + 2)..].Split(' ');

    /// <summary>Field <paramref name="number"/> of /proc/PID/stat as proc(5) numbers them (1 = pid, 3 = state).</summary>
    static long Field(string[] fieldsFromState, int number) =>
        long.Parse(fieldsFromState[number - 3], CultureInfo.InvariantCulture);

    static long ReadClockTicks()
    {
        try
        {
            var start = new ProcessStartInfo("getconf", "CLK_TCK") { RedirectStandardOutput = true, UseShellExecute = false };
            using var process = Process.Start(start);
            if (process is not null)
            {
                var text = process.StandardOutput.ReadToEnd().Trim();
                process.WaitForExit(5000);
                if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks > 0)
                {
                    return ticks;
                }
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
        return 100;
    }
}
