using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace CloudMart.Cli.Tests.Cli;

/// <summary><c>logs --tail N</c> on the real tool: the last N lines of each component's log, with --since and -f.</summary>
public sealed class LogTailTests : CliProcessTest
{
    static readonly TimeSpan Quick = TimeSpan.FromSeconds(90);
    readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

    string Logs => Path.Combine(new LabRuns(State.Path).Folder(LabRuns.DefaultName), LabLayout.LogsFolderName);

    public LogTailTests()
        : base(Quick)
    {
        Directory.CreateDirectory(Logs);
        // order-service: lines 1..5 a minute apart, the last 60 s ago; api-service: lines 1..3 at 150, 90 and 30 s ago.
        Write("order-service", 1, 5, i => _now.AddMinutes(i - 6));
        Write("api-service", 1, 3, i => _now.AddSeconds((60 * i) - 210));
    }

    void Write(string component, int from, int count, Func<int, DateTimeOffset> at)
    {
        var lines = Enumerable.Range(from, count).Select(i => JsonSerializer.Serialize(new Dictionary<string, object>
        {
            [LogFields.Timestamp] = at(i).ToString("O", CultureInfo.InvariantCulture),
            [LogFields.Level] = "info",
            [LogFields.Service] = component,
            [LogFields.Message] = $"{component} line {i}",
        }));
        File.AppendAllLines(Path.Combine(Logs, component + ".log"), lines);
    }

    static string[] Messages(CliResult result) =>
        result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty(LogFields.Message).GetString()!).ToArray();

    [Fact]
    public async Task Tail_keeps_the_last_N_lines_of_each_component_in_time_order()
    {
        var result = await Run("logs", "--tail", "2", "-o", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["order-service line 4", "api-service line 2", "order-service line 5", "api-service line 3"], Messages(result));
    }

    [Fact]
    public async Task Tail_applies_after_since_and_to_the_components_asked_for_and_all_or_zero_mean_what_they_say()
    {
        var windowed = await Run("logs", "order-service", "--since", "150s", "--tail", "5", "-o", "json");
        Assert.True(windowed.ExitCode == 0, windowed.ToString());
        Assert.Equal(["order-service line 4", "order-service line 5"], Messages(windowed));

        var all = await Run("logs", "--tail", "all", "-o", "json");
        Assert.Equal(8, Messages(all).Length);

        var none = await Run("logs", "--tail", "0");
        Assert.True(none.ExitCode == 0, none.ToString());
        Assert.Equal("", none.Stdout);
    }

    [Theory]
    [InlineData("-5")]
    [InlineData("ten")]
    [InlineData("1.5")]
    public async Task A_bad_tail_is_one_line_naming_it_and_exits_2(string value)
    {
        var result = await Run("logs", "--tail", value);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        var line = Assert.Single(result.StderrLines);
        Assert.Contains("--tail", line);
        Assert.Contains($"'{value}'", line);
    }

    [Fact]
    public async Task Tail_with_follow_shows_the_last_lines_then_the_new_ones()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in new[] { CliProcess.Assembly, "logs", "order-service", "--tail", "1", "-f", "-o", "json" })
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["CLOUDMART_STATE_DIR"] = State.Path;
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        try
        {
            using var deadline = new CancellationTokenSource(Quick);
            var first = await process.StandardOutput.ReadLineAsync(deadline.Token);
            Assert.Contains("order-service line 5", first);
            Write("order-service", 6, 1, _ => DateTimeOffset.UtcNow);
            var next = await process.StandardOutput.ReadLineAsync(deadline.Token);
            Assert.Contains("order-service line 6", next);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
