using System.Globalization;
using CloudMart.Catalog;

namespace CloudMart.Lab;

/// <summary>
/// Makes the local copy of the gateway's nginx.conf. The cluster's file is the source; only what
/// cannot be the same on a developer's machine is changed: the listen address (a loopback port
/// instead of the container's), the api-service's address (its local port instead of its Service name), the
/// storefront's root (the repository's site folder instead of the image's), and the pid file and
/// temporary folders (the run's nginx folder instead of /tmp). Each change is made to a directive
/// found by its name and block (<see cref="NginxDirectives"/>), not by a text pattern, and must find
/// exactly the one it expects, so an edit to nginx.conf that breaks one fails loudly here.
/// </summary>
public static class GatewayConfig
{
    /// <summary>The file nginx is started with, in the run's nginx folder.</summary>
    public const string RenderedFileName = "nginx.conf";

    /// <summary>The storefront's files in the repository: the folder the gateway image copies to its site root.</summary>
    public static string SiteDirectory(LabLayout layout) =>
        Path.Combine(Path.GetDirectoryName(layout.GatewayConfigSource)!, "site");

    /// <param name="siteDirectory">Where the storefront's files are; null keeps the image's root (no site locally).</param>
    public static string Render(string source, int listenPort, int apiPort, string nginxDirectory, string? siteDirectory = null)
    {
        IReadOnlyList<NginxDirective> directives;
        try
        {
            directives = NginxDirectives.Read(source);
        }
        catch (FormatException ex)
        {
            throw new GatewayConfigException($"nginx.conf cannot be read: {ex.Message}");
        }
        var gatewayPort = ServiceCatalog.Gateway.ContainerPort.ToString(CultureInfo.InvariantCulture);
        var upstream = $"{ServiceCatalog.Api.Name}:{ServiceCatalog.Api.ContainerPort}";
        var edits = new List<(NginxDirective, string)>
        {
            (Single(directives, d => d.Block == "http/server" && d.Name == "listen" && d.ArgumentText == gatewayPort, $"'listen {gatewayPort};'"),
                $"127.0.0.1:{listenPort}"),
            (Single(directives, d => d.Block.StartsWith("http/upstream ", StringComparison.Ordinal) && d.Name == "server" && d.ArgumentText == upstream,
                $"'server {upstream};' in the upstream block"), $"127.0.0.1:{apiPort}"),
        };
        if (siteDirectory is not null)
        {
            var root = Single(directives, d => d.Block == "http/server" && d.Name == "root" && d.ArgumentText == ImageSiteRoot,
                $"'root {ImageSiteRoot};' (the storefront's folder)");
            edits.Add((root, Quoted(Path.GetFullPath(siteDirectory).TrimEnd('/'), "site folder")));
        }

        var folder = nginxDirectory.TrimEnd('/');
        var writable = directives.Where(d => (d.Name == "pid" || d.Name.EndsWith("_temp_path", StringComparison.Ordinal)) && d.Arguments is [var path] && path.StartsWith("/tmp/", StringComparison.Ordinal)).ToList();
        if (!writable.Any(d => d.Name == "pid"))
        {
            throw new GatewayConfigException("nginx.conf has no 'pid /tmp/...;' directive to move into the run's folder");
        }
        edits.AddRange(writable.Select(d => (d, Quoted($"{folder}/{d.Arguments[0]["/tmp/".Length..]}", "nginx folder"))));
        if (directives.Except(writable).FirstOrDefault(d => d.Arguments.Any(a => a.Trim('"', '\'').StartsWith("/tmp/", StringComparison.Ordinal))) is { } left)
        {
            throw new GatewayConfigException($"nginx.conf writes to /tmp in a directive the local run does not move: {left.Name} {left.ArgumentText};");
        }
        return $"# Rendered by cloudmart from {LabRepository.LabPath}/{ServiceCatalog.Gateway.Name}/nginx.conf; do not edit, edit that file.\n"
            + NginxDirectives.Replace(source, edits);
    }

    static NginxDirective Single(IReadOnlyList<NginxDirective> directives, Func<NginxDirective, bool> wanted, string what)
    {
        var found = directives.Where(wanted).ToList();
        return found.Count == 1 ? found[0]
            : throw new GatewayConfigException($"nginx.conf must hold {what} exactly once to run locally; found it {found.Count} times");
    }

    static string Quoted(string path, string what) => path.Contains('"') || path.Contains('$') || path.Contains('\\')
        ? throw new GatewayConfigException($"the {what} {path} holds a character nginx cannot take in a path")
        : $"\"{path}\"";

    /// <summary>Where the gateway image keeps the storefront (its Dockerfile copies site/ there).</summary>
    public const string ImageSiteRoot = "/usr/share/nginx/cloudmart";
}

public sealed class GatewayConfigException(string message) : Exception(message);
