using System.Diagnostics;
using System.Text.RegularExpressions;

namespace CloudMart.Lab;

/// <summary>
/// Finding nginx on this machine, and installing it where that can be done without asking
/// (root on a Debian-like system). Every fact about the machine is a property, so tests can
/// describe a machine without nginx.
/// </summary>
public sealed partial class NginxSetup
{
    /// <summary>Shown when nginx is missing and cannot be installed here.</summary>
    public const string InstallHint =
        "install it with: sudo apt-get install nginx-light (Debian, Ubuntu; or nginx where there is no nginx-light), " +
        "sudo dnf install nginx (Fedora), sudo apk add nginx (Alpine), brew install nginx (macOS); " +
        "or point CLOUDMART_NGINX at an nginx binary";

    /// <summary>Debian's smallest nginx; newer releases only have the plain package.</summary>
    public static readonly string[] AptPackages = ["nginx-light", "nginx"];

    /// <summary>The folders searched for an nginx binary: PATH, then the sbin folders a user's PATH often lacks.</summary>
    public IReadOnlyList<string> SearchDirectories { get; init; } =
    [
        .. (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries),
        "/usr/sbin", "/usr/local/sbin", "/sbin", "/usr/local/nginx/sbin", "/opt/homebrew/bin",
    ];

    /// <summary>An explicit binary (CLOUDMART_NGINX), used before any search.</summary>
    public string? ExplicitPath { get; init; } = Environment.GetEnvironmentVariable("CLOUDMART_NGINX") is { Length: > 0 } path ? path : null;

    public bool IsRoot { get; init; } = Environment.IsPrivilegedProcess;

    public string AptGet { get; init; } = "/usr/bin/apt-get";

    /// <summary>A file only Debian and its derivatives have.</summary>
    public string DebianMarker { get; init; } = "/etc/debian_version";

    public string? Find()
    {
        if (ExplicitPath is not null)
        {
            return File.Exists(ExplicitPath) ? ExplicitPath : null;
        }
        foreach (var dir in SearchDirectories)
        {
            var candidate = Path.Combine(dir, "nginx");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    public bool CanInstall => IsRoot && File.Exists(AptGet) && File.Exists(DebianMarker);

    /// <summary>
    /// Installs nginx with apt-get (after <c>apt-get update</c>), writing apt's output to
    /// <paramref name="logFile"/>. True when an nginx binary can be found afterwards.
    /// </summary>
    public async Task<bool> InstallAsync(string logFile, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
        await using var log = new StreamWriter(logFile, append: false);
        if (await RunAsync(AptGet, ["update"], log, cancellationToken) != 0)
        {
            await log.WriteLineAsync("apt-get update failed; trying the install with the package lists there are");
        }
        foreach (var package in AptPackages)
        {
            // The next package only when this one could not be installed (a release without nginx-light).
            if (await RunAsync(AptGet, ["install", "-y", "--no-install-recommends", package], log, cancellationToken) == 0)
            {
                return Find() is not null;
            }
        }
        return false;
    }

    static async Task<int> RunAsync(string fileName, string[] arguments, StreamWriter log, CancellationToken cancellationToken)
    {
        await log.WriteLineAsync($"$ {fileName} {string.Join(' ', arguments)}");
        var result = await ProgramRun.RunAsync(fileName, arguments, Timeout.InfiniteTimeSpan,
            environment: new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" }, cancellationToken: cancellationToken);
        await log.WriteAsync(result.Output);
        await log.FlushAsync(cancellationToken);
        return result.ExitCode;
    }

    /// <summary>nginx's version from <c>nginx -v</c>, or null when it cannot be told.</summary>
    public static Version? VersionOf(string nginx)
    {
        try
        {
            var start = new ProcessStartInfo(nginx, "-v") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }
            var text = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
            process.WaitForExit(5000);
            return VersionText().Match(text) is { Success: true } match ? Version.Parse(match.Groups[1].Value) : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    [GeneratedRegex(@"nginx/(\d+\.\d+\.\d+)")]
    private static partial Regex VersionText();

    /// <summary>
    /// The arguments that run nginx in the foreground with the rendered config and the run's folder
    /// as its prefix. <c>-e</c> (nginx 1.19.5 and later) keeps nginx's own start-up messages off
    /// the system's log file too.
    /// </summary>
    public static IReadOnlyList<string> RunArguments(string nginxDirectory, Version? version)
    {
        var prefix = nginxDirectory.TrimEnd('/') + "/";
        List<string> arguments = ["-p", prefix, "-c", Path.Combine(nginxDirectory, GatewayConfig.RenderedFileName)];
        if (version is null || version >= new Version(1, 19, 5))
        {
            arguments.AddRange(["-e", "stderr"]);
        }
        arguments.AddRange(["-g", "daemon off;"]);
        return arguments;
    }
}
