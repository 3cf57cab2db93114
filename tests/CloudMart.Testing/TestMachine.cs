using CloudMart.Catalog;
using CloudMart.Lab;

namespace CloudMart.Testing;

/// <summary>A scratch folder that goes away after the test.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = Directory.CreateTempSubdirectory("cloudmart-test-").FullName;
    }

    public string Path { get; }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public string File(string name, string content, bool executable = false)
    {
        var path = System.IO.Path.Combine(Path, name);
        System.IO.File.WriteAllText(path, content);
        if (executable)
        {
            System.IO.File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Machines for <c>up</c> to run on: this repository, a scratch state folder, and an nginx setup the test chooses.</summary>
public static class TestMachine
{
    /// <summary>The configuration the tests were built in, so the services they start are the ones built beside them.</summary>
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    /// <summary>This repository, found from the test assembly's folder as the tool finds it.</summary>
    public static LabRepository Repository { get; } = LabRepository.Find(AppContext.BaseDirectory);

    public static string RepositoryRoot => Repository.Root;

    /// <summary>A machine with no nginx anywhere, where nothing may be installed unless said.</summary>
    public static NginxSetup NoNginx(string emptyFolder, bool isRoot = false, string? aptGet = null, string? debianMarker = null) => new()
    {
        ExplicitPath = null,
        SearchDirectories = [emptyFolder],
        IsRoot = isRoot,
        AptGet = aptGet ?? System.IO.Path.Combine(emptyFolder, "no-apt-get"),
        DebianMarker = debianMarker ?? System.IO.Path.Combine(emptyFolder, "no-debian_version"),
    };

    /// <summary>This machine's nginx; the tests that need it fail (not skip) where it is missing, as CI installs it.</summary>
    public static NginxSetup RealNginx { get; } = new() { IsRoot = false };

    public static string NginxPath => RealNginx.Find() ?? throw new InvalidOperationException("nginx is not installed: " + NginxSetup.InstallHint);

    /// <summary>A port offset whose six ports are free now, away from the default ones and from the end-to-end tests' range.</summary>
    public static LabPorts FreePorts() => LabPorts.FirstFree(LocalSystem.Offsets(10_000, 40, 250, 200));
}
