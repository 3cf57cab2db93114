namespace CloudMart.Diagnosis.Tests;

/// <summary>
/// A throw-away copy of a manifests folder, optionally inside a minimal copy of the repository (the
/// order-service's RetryFault.cs and the build script), so a test can change one field and diagnose
/// the result. Deleted on dispose.
/// </summary>
public sealed class LabCopy : IDisposable
{
    public static LabRepository Repository { get; } = LabRepository.Find(AppContext.BaseDirectory);

    readonly string _root;

    LabCopy(string root, string folder)
    {
        _root = root;
        Folder = folder;
    }

    /// <summary>The copied manifests folder.</summary>
    public string Folder { get; }

    /// <summary>The copied repository's root (null when the copy is outside any repository).</summary>
    public string? RepositoryRoot { get; private init; }

    public string RetryFaultSource => Path.Combine(RepositoryRoot ?? throw new InvalidOperationException("no repository copy"), LabRepository.RetryFaultPath);

    /// <summary>Copies the solution (or broken) folder into a fresh temporary repository layout.</summary>
    public static LabCopy InRepository(string sourceFolder)
    {
        var root = Directory.CreateTempSubdirectory("cloudmart-diagnose-").FullName;
        var folder = Path.Combine(root, "k8s", "day-4", Path.GetFileName(sourceFolder));
        CopyFolder(sourceFolder, folder);
        foreach (var relative in new[] { LabRepository.RetryFaultPath, LabRepository.LabPath + "/build-and-import.sh" })
        {
            var target = Path.Combine(root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            System.IO.File.Copy(Path.Combine(Repository.Root, relative), target);
            System.IO.File.SetUnixFileMode(target, System.IO.File.GetUnixFileMode(Path.Combine(Repository.Root, relative)));
        }
        return new LabCopy(root, folder) { RepositoryRoot = root };
    }

    /// <summary>Copies a folder somewhere no repository contains it.</summary>
    public static LabCopy Alone(string sourceFolder)
    {
        var root = Directory.CreateTempSubdirectory("cloudmart-diagnose-alone-").FullName;
        var folder = Path.Combine(root, Path.GetFileName(sourceFolder));
        CopyFolder(sourceFolder, folder);
        return new LabCopy(root, folder);
    }

    /// <summary>
    /// The solution as a learner deploys it: its manifests, and the code with the fault 7 fix
    /// applied (the patch, then a rebuild), since fault 7 is graded by the code alone.
    /// </summary>
    public static LabCopy Solution() => InRepository(Repository.SolutionManifestsDir).WithRetry(Checks.RetryPolicyCheck.Backoff);

    /// <summary>Sets the copied order-service's shipped retry strategy, as the fault 7 patch does.</summary>
    public LabCopy WithRetry(string strategy)
    {
        var source = System.IO.File.ReadAllText(RetryFaultSource);
        var shipped = System.Text.RegularExpressions.Regex.Replace(source, @"Shipped = RetryStrategy\.\w+;", $"Shipped = RetryStrategy.{strategy};");
        Assert.Contains($"Shipped = RetryStrategy.{strategy};", shipped, StringComparison.Ordinal);
        System.IO.File.WriteAllText(RetryFaultSource, shipped);
        return this;
    }

    public string File(string name) => Path.Combine(Folder, name);

    /// <summary>
    /// Replaces the first <paramref name="old"/> that follows <paramref name="anchor"/> in a file of the
    /// copy, and fails loudly when either is not there, so a variant never silently stays unchanged.
    /// </summary>
    public LabCopy Edit(string file, string anchor, string old, string replacement)
    {
        var path = Path.Combine(Folder, file);
        var text = System.IO.File.ReadAllText(path);
        var at = text.IndexOf(anchor, StringComparison.Ordinal);
        Assert.True(at >= 0, $"{file} has no '{anchor}'");
        var index = text.IndexOf(old, at, StringComparison.Ordinal);
        Assert.True(index >= 0, $"{file} has no '{old}' after '{anchor}'");
        System.IO.File.WriteAllText(path, string.Concat(text.AsSpan(0, index), replacement, text.AsSpan(index + old.Length)));
        return this;
    }

    public LabCopy Delete(string file)
    {
        System.IO.File.Delete(Path.Combine(Folder, file));
        return this;
    }

    public DiagnosisReport Diagnose() => FolderDiagnosis.Run(Folder);

    static void CopyFolder(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source))
        {
            System.IO.File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder must not fail a test.
        }
    }
}
