using System.Globalization;
using System.Text.RegularExpressions;
using CloudMart.Manifests;
using CloudMart.Catalog;
using k8s.Models;

namespace CloudMart.Diagnosis.Checks;

/// <summary>
/// The gateway's nginx.conf, read from its ConfigMap, against the namespace's Services: nginx
/// resolves every upstream host when it starts and refuses to run when one is unknown, so a
/// wrong name there takes the whole shop down, not one route.
/// </summary>
public static partial class ManifestChecks
{
    /// <summary>The ConfigMap the gateway Deployment mounts as /etc/nginx/nginx.conf, and the key holding the file.</summary>
    public const string GatewayConfigMap = "gateway-config";

    const string NginxConfKey = "nginx.conf";

    /// <summary>One host:port nginx.conf sends traffic to, with its 0-based line in the file.</summary>
    public sealed record NginxTarget(string Directive, string Host, int Port, int Line);

    /// <summary>
    /// The addresses nginx.conf proxies to: the servers of its upstream blocks and the proxy_pass
    /// URLs that name a host rather than an upstream block. Addresses built from variables are
    /// resolved by nginx per request and are left out.
    /// </summary>
    public static IReadOnlyList<NginxTarget> NginxTargets(string conf)
    {
        var lines = conf.Split('\n').Select(WithoutComment).ToArray();
        var upstreams = lines.Select(l => UpstreamOpening().Match(l)).Where(m => m.Success).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);
        var targets = new List<NginxTarget>();
        var inUpstream = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (UpstreamOpening().IsMatch(line))
            {
                inUpstream = true;
                continue;
            }
            if (inUpstream && line.Contains('}', StringComparison.Ordinal))
            {
                inUpstream = false;
            }
            if (inUpstream && UpstreamServer().Match(line) is { Success: true } server && Address(server.Groups["address"].Value, 80) is { } address)
            {
                targets.Add(new NginxTarget("server", address.Host, address.Port, i));
            }
            if (ProxyPass().Match(line) is { Success: true } pass && !upstreams.Contains(pass.Groups["host"].Value)
                && Address(pass.Groups["host"].Value, pass.Groups["scheme"].Value == "https" ? 443 : 80) is { } passed)
            {
                targets.Add(new NginxTarget("proxy_pass", passed.Host, passed.Port, i));
            }
        }
        return targets;
    }

    /// <summary>Every address the gateway's nginx.conf proxies to is a Service of the namespace, on a port that Service has.</summary>
    public static IEnumerable<Finding> GatewayUpstreams(ManifestSet set, BuiltImages images)
    {
        var configMap = set.All<V1ConfigMap>().FirstOrDefault(c => c.Metadata.Name == GatewayConfigMap);
        if (configMap?.Data is null || !configMap.Data.TryGetValue(NginxConfKey, out var conf))
        {
            yield break;
        }
        var at = set.Locate(configMap, $"data.{NginxConfKey}");
        foreach (var target in NginxTargets(conf).Where(t => ManifestSet.LooksInCluster(t.Host)))
        {
            var service = set.ServiceForHost(target.Host);
            var ports = (service?.Spec?.Ports ?? []).Select(p => p.Port).ToList();
            if (service is not null && ports.Contains(target.Port))
            {
                continue;
            }
            var address = $"{target.Host}:{target.Port.ToString(CultureInfo.InvariantCulture)}";
            var known = string.Join(", ", set.Services.Select(s => s.Metadata.Name).Order(StringComparer.Ordinal));
            // The file is a literal block: its first line is the one after the key's.
            var location = at with { Line = at.Line + 1 + target.Line, Field = $"data.{NginxConfKey} ({target.Directive} {address})" };
            yield return new Finding(CheckNames.Urls, ServiceCatalog.Gateway.Name, $"nginx.conf:{target.Directive}", location)
            {
                Summary = service is null
                    ? $"gateway nginx.conf {target.Directive} {address}: no Service called {target.Host} in {ServiceCatalog.Namespace}"
                    : $"gateway nginx.conf {target.Directive} {address}: Service {service.Metadata.Name} has no port {target.Port}",
                Value = address,
                Expected = service is null ? $"one of the Services {known}" : $"port {string.Join(" or ", ports)}",
                RootCause = service is null
                    ? $"nginx looks up {target.Host} when it starts; namespace {ServiceCatalog.Namespace} has no such Service (it has {known}), so nginx stops with 'host not found in upstream'."
                    : $"Service {service.Metadata.Name} listens on {string.Join(",", ports)}, not {target.Port}; the gateway's calls are refused or time out.",
                Fix = $"Point the {target.Directive} in ConfigMap {GatewayConfigMap} at {ServiceCatalog.Api.Name}:{ServiceCatalog.Api.ContainerPort} (services/day-4/broken-production/gateway/nginx.conf has it), then restart the gateway.",
                Symptom = service is null
                    ? "The gateway pod exits at start and ends up in CrashLoopBackOff; its log says host not found in upstream."
                    : "Every request through the gateway ends in 502 or 504.",
                Impact = "Nothing from outside reaches the shop.",
            };
        }
    }

    static (string Host, int Port)? Address(string address, int defaultPort)
    {
        if (address.Contains('$', StringComparison.Ordinal) || address.StartsWith("unix:", StringComparison.Ordinal))
        {
            return null;
        }
        var colon = address.LastIndexOf(':');
        if (colon < 0)
        {
            return (address, defaultPort);
        }
        return int.TryParse(address[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? (address[..colon], port) : null;
    }

    /// <summary>The line up to its comment: nginx starts a comment at a # outside quotes.</summary>
    static string WithoutComment(string line)
    {
        char? quote = null;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote is null && c == '#')
            {
                return line[..i];
            }
            if (c is '"' or '\'' && (i == 0 || line[i - 1] != '\\'))
            {
                quote = quote == c ? null : quote ?? c;
            }
        }
        return line;
    }

    [GeneratedRegex(@"^\s*upstream\s+(?<name>[^\s{]+)\s*\{")]
    private static partial Regex UpstreamOpening();

    [GeneratedRegex(@"^\s*server\s+(?<address>[^\s;]+)")]
    private static partial Regex UpstreamServer();

    [GeneratedRegex(@"\bproxy_pass\s+(?<scheme>https?)://(?<host>[^/;\s]+)")]
    private static partial Regex ProxyPass();
}
