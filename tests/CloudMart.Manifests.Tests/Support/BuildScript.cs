namespace CloudMart.Manifests.Tests.Support;

/// <summary>What build-and-import.sh says about itself, asked the way a test can without docker.</summary>
public static class BuildScript
{
    static readonly Lazy<IReadOnlyList<string>> ListedImages = new(() =>
    {
        var result = ProcessRunner.Run("/bin/bash", [Repo.BuildScript, "--list-images"]);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"build-and-import.sh --list-images exited {result.ExitCode}: {result.Output}");
        }
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    });

    /// <summary>The images the script builds and imports, from its <c>--list-images</c> mode.</summary>
    public static IReadOnlyList<string> Images => ListedImages.Value;
}
