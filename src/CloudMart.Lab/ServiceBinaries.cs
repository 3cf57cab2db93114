using CloudMart.Catalog;

namespace CloudMart.Lab;

/// <summary>A program to run and its arguments.</summary>
public sealed record LaunchCommand(string FileName, IReadOnlyList<string> Arguments)
{
    public override string ToString() => string.Join(' ', [FileName, .. Arguments]);
}

/// <summary>
/// Which build of the services a local run starts: the framework-dependent build
/// (<c>dotnet bin/CONFIGURATION/net10.0/SERVICE.dll</c>, what <c>./cloudmart</c> builds) or the
/// Native AOT binaries that the images ship (<c>artifacts/publish/SERVICE/SERVICE</c>).
/// </summary>
public abstract record ServiceBinaries
{
    /// <summary>Where <c>--published</c> looks by default, relative to the repository root.</summary>
    public const string DefaultPublishFolder = "artifacts/publish";

    public abstract LaunchCommand For(ServiceSpec service, LabLayout layout);

    /// <summary>Says what is missing and how to make it, or null when the binary is there.</summary>
    public abstract string? Missing(ServiceSpec service, LabLayout layout);

    public static ServiceBinaries Build(string configuration) => new BuildOutput(configuration);

    public static ServiceBinaries Published(string? folder = null) => new PublishOutput(folder);

    sealed record BuildOutput(string Configuration) : ServiceBinaries
    {
        public string Dll(ServiceSpec service, LabLayout layout) =>
            Path.Combine(layout.ServiceDirectory(service.Name), "bin", Configuration, "net10.0", service.Name + ".dll");

        public override LaunchCommand For(ServiceSpec service, LabLayout layout) => new(DotnetHost.Path, [Dll(service, layout)]);

        public override string? Missing(ServiceSpec service, LabLayout layout) =>
            File.Exists(Dll(service, layout)) ? null
                : $"{Dll(service, layout)} does not exist; build it with: dotnet build {Path.GetRelativePath(layout.RepositoryRoot, layout.ServiceDirectory(service.Name))} -c {Configuration}";
    }

    sealed record PublishOutput(string? Folder) : ServiceBinaries
    {
        public string Binary(ServiceSpec service, LabLayout layout) =>
            Path.Combine(Path.GetFullPath(Folder ?? DefaultPublishFolder, layout.RepositoryRoot), service.Name, service.Name);

        public override LaunchCommand For(ServiceSpec service, LabLayout layout) => new(Binary(service, layout), []);

        public override string? Missing(ServiceSpec service, LabLayout layout) =>
            File.Exists(Binary(service, layout)) ? null
                : $"{Binary(service, layout)} does not exist; publish it with: dotnet publish {Path.GetRelativePath(layout.RepositoryRoot, layout.ServiceDirectory(service.Name))} -c Release -o {Path.GetDirectoryName(Binary(service, layout))}";
    }
}

/// <summary>The <c>dotnet</c> host that runs framework-dependent builds: the one running this process when it can be told.</summary>
public static class DotnetHost
{
    public static string Path { get; } = Find();

    static string Find()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }
        if (Environment.ProcessPath is { } self && System.IO.Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }
        // The shared runtime lives in DOTNET_ROOT/shared/Microsoft.NETCore.App/VERSION/.
        var runtime = System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory();
        var root = Directory.GetParent(runtime.TrimEnd(System.IO.Path.DirectorySeparatorChar))?.Parent?.Parent?.FullName;
        if (root is not null && File.Exists(System.IO.Path.Combine(root, "dotnet")))
        {
            return System.IO.Path.Combine(root, "dotnet");
        }
        return "dotnet";
    }
}
