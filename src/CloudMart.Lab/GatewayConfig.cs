using System.Text.RegularExpressions;
using CloudMart.Catalog;

namespace CloudMart.Lab;

/// <summary>
/// Makes the local copy of the gateway's nginx.conf. The cluster's file is the source; only what
/// cannot be the same on a developer's machine is changed: the listen address (a loopback port
/// instead of the container's), the api-service's address (its local port instead of its Service name), the
/// storefront's root (the repository's site folder instead of the image's), and the pid file and
/// temporary folders (the run's nginx folder instead of /tmp). Each change must match
/// exactly where it is expected, so an edit to nginx.conf that breaks one fails loudly here.
/// </summary>
public static partial class GatewayConfig
{
    /// <summary>The file nginx is started with, in the run's nginx folder.</summary>
    public const string RenderedFileName = "nginx.conf";

    /// <summary>The storefront's files in the repository: the folder the gateway image copies to its site root.</summary>
    public static string SiteDirectory(LabLayout layout) =>
        Path.Combine(Path.GetDirectoryName(layout.GatewayConfigSource)!, "site");

    /// <param name="siteDirectory">Where the storefront's files are; null keeps the image's root (no site locally).</param>
    public static string Render(string source, int listenPort, int apiPort, string nginxDirectory, string? siteDirectory = null)
    {
        var listen = new Regex($@"^(?<indent>\s*)listen\s+{ServiceCatalog.Gateway.ContainerPort};", RegexOptions.Multiline);
        var text = ReplaceExactlyOnce(source, listen, $"${{indent}}listen 127.0.0.1:{listenPort};", $"'listen {ServiceCatalog.Gateway.ContainerPort};'");
        if (siteDirectory is not null)
        {
            var site = Path.GetFullPath(siteDirectory).TrimEnd('/');
            if (site.Contains('"') || site.Contains('$'))
            {
                throw new GatewayConfigException($"the site folder {site} holds a character nginx cannot take in a path");
            }
            text = ReplaceExactlyOnce(text, SiteRoot(), $"${{indent}}root \"{site}\";", $"'root {ImageSiteRoot};' (the storefront's folder)");
        }

        var upstream = $"{ServiceCatalog.Api.Name}:{ServiceCatalog.Api.ContainerPort}";
        text = ReplaceExactlyOnce(text, new Regex($@"^(?<indent>\s*)server\s+{Regex.Escape(upstream)};", RegexOptions.Multiline),
            $"${{indent}}server 127.0.0.1:{apiPort};", $"'server {upstream};' in the upstream block");

        var folder = nginxDirectory.TrimEnd('/');
        if (folder.Contains('"') || folder.Contains('$'))
        {
            throw new GatewayConfigException($"the nginx folder {folder} holds a character nginx cannot take in a path");
        }
        var rebased = 0;
        text = TmpPathDirective().Replace(text, match =>
        {
            rebased++;
            return $"{match.Groups["head"].Value}\"{folder}/{match.Groups["rest"].Value}\";";
        });
        if (rebased == 0 || !text.Contains($"pid \"{folder}/", StringComparison.Ordinal))
        {
            throw new GatewayConfigException("nginx.conf has no 'pid /tmp/...;' directive to move into the run's folder");
        }
        if (RemainingTmpPath().Match(text) is { Success: true } left)
        {
            throw new GatewayConfigException($"nginx.conf writes to /tmp in a directive the local run does not move: {left.Value.Trim()}");
        }
        return $"# Rendered by cloudmart from {LabRepository.LabPath}/{ServiceCatalog.Gateway.Name}/nginx.conf; do not edit, edit that file.\n" + text;
    }

    static string ReplaceExactlyOnce(string text, Regex pattern, string replacement, string what)
    {
        var count = pattern.Matches(text).Count;
        if (count != 1)
        {
            throw new GatewayConfigException($"nginx.conf must hold {what} exactly once to run locally; found it {count} times");
        }
        return pattern.Replace(text, replacement, 1);
    }

    /// <summary>Where the gateway image keeps the storefront (its Dockerfile copies site/ there).</summary>
    public const string ImageSiteRoot = "/usr/share/nginx/cloudmart";

    [GeneratedRegex(@"^(?<indent>\s*)root\s+/usr/share/nginx/cloudmart;", RegexOptions.Multiline)]
    private static partial Regex SiteRoot();

    [GeneratedRegex(@"^(?<head>\s*(?:pid|\w+_temp_path)\s+)/tmp/(?<rest>[^;\s]+);", RegexOptions.Multiline)]
    private static partial Regex TmpPathDirective();

    [GeneratedRegex(@"^[^#\n]*\s/tmp/[^\n]*", RegexOptions.Multiline)]
    private static partial Regex RemainingTmpPath();
}

public sealed class GatewayConfigException(string message) : Exception(message);
