using System.Diagnostics;

namespace CloudMart.Lab;

/// <summary>What a program run to its end printed, and how it exited.</summary>
public sealed record ProgramResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string Output => StandardOutput + StandardError;
}

/// <summary>
/// Runs a program to its end with its output captured: arguments passed as a list (no shell
/// quoting), stdin given or closed, and a time limit after which the program and its children are
/// killed, so that no caller can hang on it.
/// </summary>
public static class ProgramRun
{
    public static async Task<ProgramResult> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout,
        string? input = null, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null,
        CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }
        process.StandardInput.Close();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"{fileName} {string.Join(' ', start.ArgumentList)} did not finish within {timeout.TotalSeconds} s");
        }
        return new ProgramResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The same, for callers that have nothing else to do meanwhile (test set-ups, scripts).</summary>
    public static ProgramResult Run(string fileName, IEnumerable<string> arguments, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null) =>
        RunAsync(fileName, arguments, timeout, null, environment, workingDirectory).GetAwaiter().GetResult();

    /// <summary>Where an executable is on PATH, or null.</summary>
    public static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
