namespace CloudMart.Benchmark;

/// <summary>Facts about the machine and the build, so a result can be read months later.</summary>
static class Machine
{
    public static MachineInfo Describe(string root, string wrk, string nginx)
    {
        var cpuModel = TryRead("/proc/cpuinfo")?.Split('\n').FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)) is { } model
            ? model[(model.IndexOf(':') + 1)..].Trim() : "unknown";
        var memoryKiB = TryRead("/proc/meminfo")?.Split('\n').FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) is { } total
            ? long.Parse(total["MemTotal:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) : 0;
        var commit = Run("git", ["-C", root, "rev-parse", "HEAD"], mustSucceed: true)?.Trim();
        var status = Run("git", ["-C", root, "status", "--porcelain", "--untracked-files=no"], mustSucceed: true);
        return new MachineInfo(
            Environment.MachineName, Environment.ProcessorCount, cpuModel,
            (TryRead("/proc/sys/kernel/osrelease") ?? "unknown").Trim(), memoryKiB / 1024,
            ProcStat.LoadAverage(),
            BusyCores(TimeSpan.FromSeconds(2)),
            FirstLine(Run(wrk, ["-v"], mustSucceed: false)) ?? "unknown",
            NginxSetup.VersionOf(nginx)?.ToString() ?? "unknown",
            System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
            string.IsNullOrEmpty(commit) ? null : commit,
            status is null ? null : status.Trim().Length > 0);
    }

    /// <summary>
    /// How many cores other programs keep busy now, measured over <paramref name="span"/>: unlike
    /// the load average, it does not remember what ran a minute ago.
    /// </summary>
    static double BusyCores(TimeSpan span)
    {
        var before = ProcStat.SampleMachine();
        Thread.Sleep(span);
        var after = ProcStat.SampleMachine();
        return Math.Round(ProcStat.TicksToTime(after.Busy - before.Busy).TotalSeconds / span.TotalSeconds, 2);
    }

    static string? FirstLine(string? text) => text?.Split('\n').FirstOrDefault()?.Trim();

    static string? TryRead(string file)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The output of a short command; wrk -v, for one, exits with 1 after printing its version.</summary>
    static string? Run(string program, string[] arguments, bool mustSucceed)
    {
        try
        {
            var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }
            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(5000))
            {
                process.Kill();
                return null;
            }
            return process.ExitCode == 0 || !mustSucceed ? output.Result + error.Result : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
