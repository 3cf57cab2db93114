using System.Diagnostics;

namespace CloudMart.Cli.Tests.Support;

/// <summary>What one run of the real cloudmart process printed, and how it ended.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>
/// Runs the real tool (this configuration's cloudmart.dll) as a process with stdout and stderr
/// apart, as a user's shell or script sees it, with its state in a scratch folder.
/// </summary>
public static class CliProcess
{
    public static string Assembly { get; } = Path.Combine(TestMachine.RepositoryRoot, "src", "CloudMart.Cli", "bin", UpEnvironment.ThisConfiguration, "net10.0", "cloudmart.dll");

    public static async Task<CliResult> RunAsync(string stateDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Assembly);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["CLOUDMART_STATE_DIR"] = stateDirectory;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"cloudmart {string.Join(' ', args)} took more than {timeout}: {await stdout}\n{await stderr}");
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
