namespace CloudMart.Observability.Tests;

/// <summary>Debian's promtool (from the prometheus package), run with a bounded wait.</summary>
public static class Promtool
{
    public const string Binary = "/usr/bin/promtool";

    /// <summary>Runs promtool with <paramref name="arguments"/>, <paramref name="input"/> on its stdin; returns its exit code and its output.</summary>
    public static async Task<(int Exit, string Output)> RunAsync(string? input, params string[] arguments)
    {
        Assert.True(File.Exists(Binary), $"{Binary} is missing; apt-get install prometheus");
        var result = await ProgramRun.RunAsync(Binary, arguments, TimeSpan.FromSeconds(60), input);
        return (result.ExitCode, result.Output.Trim());
    }
}
