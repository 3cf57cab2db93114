using System.Diagnostics;
using System.Globalization;

namespace CloudMart.Cluster.Tests.Support;

/// <summary>
/// When each signal of the lab appeared on the cluster, counted from the moment of the step that
/// caused it (an apply, a fix). Written to artifacts/cluster/timeline.md for the docs and the trainer.
/// </summary>
public sealed class Timeline
{
    readonly List<string> _lines = [];
    readonly Stopwatch _run = Stopwatch.StartNew();

    public static string File => RealCluster.Repo("artifacts", "cluster", "timeline.md");

    public IReadOnlyList<string> Lines => _lines;

    public void Add(string phase, string signal, TimeSpan after, string evidence)
    {
        var seconds = after.TotalSeconds.ToString("0", CultureInfo.InvariantCulture);
        _lines.Add($"| {phase} | {signal} | {seconds} s | {evidence.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal)} |");
        Save();
    }

    void Save()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(File)!);
        System.IO.File.WriteAllLines(File,
        [
            $"# The lab on the harness's cluster ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, run {_run.Elapsed.TotalMinutes:0.0} min so far)",
            "",
            "| phase | signal | after | what kubectl showed |",
            "|---|---|---|---|",
            .. _lines,
        ]);
    }
}
