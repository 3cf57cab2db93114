using System.Diagnostics;
using CloudMart.Lab;

namespace CloudMart.Cli.Tests.Lab;

/// <summary>Logs stay bounded while a writer keeps appending, and a new run keeps the last run's logs.</summary>
public sealed class LogFilesTests : IDisposable
{
    readonly TempFolder _folder = new();

    [Fact]
    public async Task A_log_past_the_limit_is_rotated_and_a_writer_holding_it_open_goes_on_at_the_start_of_the_emptied_file()
    {
        var log = Path.Combine(_folder.Path, "order-service.log");
        // A component writes through the descriptor the launcher's >> opened (O_APPEND), as this shell does.
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-c", """exec >>"$0"; i=0; while [ $i -lt 100 ]; do echo "old line $i"; i=$((i+1)); done; read go; echo "new line" """, log })
        {
            start.ArgumentList.Add(argument);
        }
        using var writer = Process.Start(start)!;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((!File.Exists(log) || !File.ReadAllText(log).Contains("old line 99", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.False(LogFiles.RotateIfLarger(log, limit: 100_000));
        Assert.True(LogFiles.RotateIfLarger(log, limit: 500));
        await writer.StandardInput.WriteLineAsync("go");
        writer.StandardInput.Close();
        await writer.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("new line\n", File.ReadAllText(log));
        Assert.StartsWith("old line 0\n", File.ReadAllText(LogFiles.Rotated(log)));
        var lines = LogFiles.ReadLines(log).ToList();
        Assert.Equal(101, lines.Count);
        Assert.Equal("old line 0", lines[0]);
        Assert.Equal("new line", lines[^1]);
    }

    [Fact]
    public void A_new_run_moves_the_last_runs_logs_aside_and_replaces_the_ones_before()
    {
        var layout = new LabLayout(TestMachine.RepositoryRoot, Path.Combine(_folder.Path, "run"));
        Directory.CreateDirectory(layout.LogsDirectory);
        File.WriteAllText(layout.LogFile("gateway"), "first run\n");
        layout.KeepPreviousLogs();
        Directory.CreateDirectory(layout.LogsDirectory);
        File.WriteAllText(layout.LogFile("gateway"), "second run\n");

        layout.KeepPreviousLogs();

        Assert.False(Directory.Exists(layout.LogsDirectory));
        Assert.Equal("second run\n", File.ReadAllText(Path.Combine(layout.PreviousLogsDirectory, "gateway.log")));
    }

    public void Dispose() => _folder.Dispose();
}
