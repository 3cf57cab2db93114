using System.Diagnostics;

namespace CloudMart.Observability.Tests;

/// <summary>Debian's promtool (from the prometheus package), run with a bounded wait.</summary>
public static class Promtool
{
    public const string Binary = "/usr/bin/promtool";

    /// <summary>Runs promtool with <paramref name="arguments"/>, <paramref name="input"/> on its stdin; returns its exit code and its output.</summary>
    public static async Task<(int Exit, string Output)> RunAsync(string? input, params string[] arguments)
    {
        Assert.True(File.Exists(Binary), $"{Binary} is missing; apt-get install prometheus");
        var start = new ProcessStartInfo(Binary)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await stdout + await stderr).Trim());
    }
}
