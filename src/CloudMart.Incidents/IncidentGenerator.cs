using System.Text;
using CloudMart.Catalog;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CloudMart.Incidents;

/// <summary>One file of a generated incident folder.</summary>
public sealed record IncidentFile(string Name, string Content);

/// <summary>
/// Writes an incident: the solution's manifests with the chosen faults' patches applied as text
/// (<see cref="YamlTextPatch"/>), the objects the faults add, and, when the catalog has code faults
/// that are not chosen, <see cref="CodePatchName"/>: their fixes, to apply before building the
/// images (the shipped code carries every code fault). The same solution and faults give the same
/// bytes; the chosen code faults need nothing, so faults 1-8 give exactly broken-production/.
/// </summary>
public static class IncidentGenerator
{
    /// <summary>The file of an incident folder that brings the shipped code to the incident's state.</summary>
    public const string CodePatchName = "code.patch";

    public static IReadOnlyList<IncidentFile> Generate(LabRepository repository, IncidentCatalog catalog, IEnumerable<FaultEntry> chosen)
    {
        var faults = chosen.OrderBy(f => f.Id).ToList();
        var conflict = faults.SelectMany(a => faults.Where(b => b.Id > a.Id && a.ConflictsWith(b)).Select(b => (a, b))).FirstOrDefault();
        if (conflict.a is not null)
        {
            throw new PatchException($"faults {conflict.a.Id} and {conflict.b.Id} exclude each other");
        }
        var solution = repository.SolutionManifestsDir;
        var files = Directory.GetFiles(solution, "*.yaml").Order(StringComparer.Ordinal)
            .Select(path => new IncidentFile(Path.GetFileName(path), File.ReadAllText(path)))
            .ToList();
        var requests = faults.Where(f => f.Kind == FaultKind.Manifest)
            .SelectMany(f => f.Patches.SelectMany(t => t.Operations.Select(op => (Target: t, Request: new YamlTextPatch.Request(t.Kind, t.Name, op, $"fault {f.Id} ({f.FolderName})")))))
            .ToList();
        var placed = new HashSet<YamlTextPatch.Request>();
        for (var i = 0; i < files.Count; i++)
        {
            var file = files[i];
            var here = requests.Where(r => YamlTextPatch.Holds(file.Content, r.Target.Kind, r.Target.Name)).Select(r => r.Request).ToList();
            if (here.Count > 0)
            {
                files[i] = file with { Content = YamlTextPatch.Apply(file.Content, here, file.Name) };
                placed.UnionWith(here);
            }
        }
        var lost = requests.FirstOrDefault(r => !placed.Contains(r.Request));
        if (lost.Request is not null)
        {
            throw new PatchException($"{lost.Request.Origin}: no file of {repository.Relative(solution)} holds {lost.Target.Kind}/{lost.Target.Name}");
        }
        foreach (var fault in faults)
        {
            foreach (var resource in fault.Resources)
            {
                if (files.Any(f => f.Name == resource))
                {
                    throw new PatchException($"fault {fault.Id} ({fault.FolderName}): its resource {resource} has the name of another file of the incident");
                }
                files.Add(new IncidentFile(resource, File.ReadAllText(Path.Combine(fault.Folder, resource))));
            }
        }
        var fixes = catalog.Faults.Where(f => f.Kind == FaultKind.Code && !faults.Contains(f)).Select(f => File.ReadAllText(Path.Combine(repository.Root, f.CodeFix!))).ToList();
        if (fixes.Count > 0)
        {
            files.Add(new IncidentFile(CodePatchName, string.Concat(fixes)));
        }
        return files;
    }

    /// <summary>Writes the files into <paramref name="folder"/> (created if missing), with LF line ends.</summary>
    public static void Write(string folder, IEnumerable<IncidentFile> files)
    {
        Directory.CreateDirectory(folder);
        foreach (var file in files)
        {
            File.WriteAllText(Path.Combine(folder, file.Name), file.Content, new UTF8Encoding(false));
        }
    }

    /// <summary>
    /// The solution's <c>02-gateway.yaml</c> with the ConfigMap <c>gateway-config</c>'s
    /// <c>nginx.conf</c> set to the gateway's one source, <c>gateway/nginx.conf</c>.
    /// </summary>
    public static string WithGatewayConfig(string manifest, string nginxConf)
    {
        var value = new YamlScalarNode(nginxConf) { Style = ScalarStyle.Literal };
        var request = new YamlTextPatch.Request("ConfigMap", GatewayConfigMap, new PatchOperation("replace", "/data/nginx.conf", value), "the gateway's nginx.conf");
        return YamlTextPatch.Apply(manifest, [request], GatewayManifest);
    }

    /// <summary>The manifest file of the gateway, the same name in every folder.</summary>
    public const string GatewayManifest = "02-gateway.yaml";

    public const string GatewayConfigMap = "gateway-config";

    /// <summary>What <see cref="Sync"/> changed, from the repository root.</summary>
    public sealed record SyncResult(IReadOnlyList<string> Changed);

    /// <summary>
    /// Rewrites the repository's generated files: the gateway ConfigMap of the solution from
    /// nginx.conf, then <c>broken-production/</c> from the solution and the shipped faults (files
    /// the generator does not write are removed from it). Files already right are not touched.
    /// </summary>
    public static SyncResult Sync(LabRepository repository)
    {
        var changed = new List<string>();
        void Put(string path, string content)
        {
            if (!File.Exists(path) || File.ReadAllText(path) != content)
            {
                File.WriteAllText(path, content, new UTF8Encoding(false));
                changed.Add(repository.Relative(path));
            }
        }
        var gateway = Path.Combine(repository.SolutionManifestsDir, GatewayManifest);
        Put(gateway, WithGatewayConfig(File.ReadAllText(gateway), File.ReadAllText(repository.GatewayNginxConf)));
        var catalog = IncidentCatalog.Load(Path.Combine(repository.Root, IncidentCatalog.FaultsPath));
        var files = Generate(repository, catalog, catalog.Shipped);
        Directory.CreateDirectory(repository.BrokenManifestsDir);
        foreach (var stale in Directory.GetFiles(repository.BrokenManifestsDir).Where(p => files.All(f => f.Name != Path.GetFileName(p))))
        {
            File.Delete(stale);
            changed.Add(repository.Relative(stale));
        }
        foreach (var file in files)
        {
            Put(Path.Combine(repository.BrokenManifestsDir, file.Name), file.Content);
        }
        return new SyncResult(changed);
    }
}
