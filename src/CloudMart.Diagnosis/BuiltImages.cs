using System.Collections.Concurrent;
using System.Diagnostics;
using CloudMart.Catalog;

namespace CloudMart.Diagnosis;

/// <summary>
/// The images a cluster can have: what build-and-import.sh says it builds (its
/// <c>--list-images</c> mode, which needs neither docker nor k3d), or, when the script is not
/// at hand, each catalog component's image.
/// </summary>
public sealed record BuiltImages(IReadOnlyList<string> Images, string Source)
{
    static readonly ConcurrentDictionary<string, BuiltImages> FromScripts = new(StringComparer.Ordinal);

    public bool Contains(string? image) => image is not null && Images.Contains(image, StringComparer.Ordinal);

    /// <summary>The built image of the same repository as <paramref name="image"/> (same name, built tag), if any.</summary>
    public string? SameRepository(string image)
    {
        var repository = image.Split(':')[0];
        return Images.FirstOrDefault(i => i.Split(':')[0] == repository);
    }

    public static BuiltImages FromCatalog() =>
        new(ServiceCatalog.All.Select(s => s.Image).ToList(), "the service catalog (build-and-import.sh not found)");

    /// <summary>The script's list when the repository is known, else the catalog's.</summary>
    public static BuiltImages For(LabRepository? repository) =>
        repository is not null && File.Exists(repository.BuildScript) ? FromScript(repository.BuildScript) : FromCatalog();

    /// <summary>Runs <c>bash SCRIPT --list-images</c> (once per script path).</summary>
    /// <exception cref="InvalidOperationException">The script failed or did not finish within 30 s.</exception>
    public static BuiltImages FromScript(string script) => FromScripts.GetOrAdd(Path.GetFullPath(script), static path =>
    {
        var start = new ProcessStartInfo("/bin/bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(path)!,
        };
        start.ArgumentList.Add(path);
        start.ArgumentList.Add("--list-images");
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not run {path}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new InvalidOperationException($"{path} --list-images did not finish within 30 s");
        }
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{path} --list-images exited {process.ExitCode}: {stdout.Result}{stderr.Result}");
        }
        var images = stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new BuiltImages(images, "build-and-import.sh --list-images");
    });
}
