using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CloudMart.Incidents;

/// <summary>How a fault folder's change is read: a code fault's patch, or a manifest fault's kustomize Component (its patches and the files it adds).</summary>
public sealed partial class IncidentCatalog
{
    /// <summary>The entry with its change: the code patch and the file it changes, or the Component's patches and added files.</summary>
    static FaultEntry WithChange(FaultEntry entry, MappingReader reader, string dir, string where)
    {
        var name = Path.GetFileName(dir);
        var kind = entry.Kind;
        if (kind == FaultKind.Code)
        {
            var code = reader.Mapping("code") ?? throw new CatalogException($"{where}: a code fault needs code: {{fix: PATCH}}");
            var fix = new MappingReader(code, where + " code").Required("fix");
            return entry with { CodeFix = fix, CodeFile = CodeFileOf(Path.Combine(dir, "..", "..", "..", ".."), fix, where) };
        }
        if (entry.File is null)
        {
            throw new CatalogException($"{where}: a manifest fault names the file it changes (file:)");
        }
        var component = Path.Combine(dir, "kustomization.yaml");
        var (patches, resources) = ReadComponent(component, $"{name}/kustomization.yaml");
        foreach (var resource in resources)
        {
            if (!System.IO.File.Exists(Path.Combine(dir, resource)) || resource.Contains('/', StringComparison.Ordinal))
            {
                throw new CatalogException($"{name}/kustomization.yaml: resource '{resource}' is not a file of the fault's folder");
            }
        }
        return entry with { Patches = patches, Resources = resources };
    }

    /// <summary>The file a code patch changes, from its <c>+++ b/PATH</c> line.</summary>
    static string? CodeFileOf(string root, string patch, string where)
    {
        var path = Path.Combine(root, patch);
        if (!System.IO.File.Exists(path))
        {
            throw new CatalogException($"{where}: code fix {patch} does not exist");
        }
        return System.IO.File.ReadLines(path).FirstOrDefault(l => l.StartsWith("+++ b/", StringComparison.Ordinal))?["+++ b/".Length..];
    }

    static (IReadOnlyList<PatchTarget>, IReadOnlyList<string>) ReadComponent(string file, string where)
    {
        var root = LoadMapping(file);
        var reader = new MappingReader(root, where);
        if (reader.Required("kind") != "Component")
        {
            throw new CatalogException($"{where}: kind must be Component");
        }
        var targets = new List<PatchTarget>();
        if (root.Children.TryGetValue(new YamlScalarNode("patches"), out var patchesNode))
        {
            if (patchesNode is not YamlSequenceNode patches)
            {
                throw new CatalogException($"{where}: patches is not a list");
            }
            foreach (var item in patches.Children.OfType<YamlMappingNode>())
            {
                var patchReader = new MappingReader(item, where + " patch");
                var target = patchReader.Mapping("target") ?? throw new CatalogException($"{where}: a patch without target");
                var targetReader = new MappingReader(target, where + " target");
                var text = patchReader.Required("patch");
                targets.Add(new PatchTarget(targetReader.Required("kind"), targetReader.Required("name"), ReadOperations(text, where)));
            }
        }
        IReadOnlyList<string> resources = root.Children.TryGetValue(new YamlScalarNode("resources"), out var resourcesNode) && resourcesNode is YamlSequenceNode list
            ? [.. list.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? "")]
            : [];
        if (targets.Count == 0 && resources.Count == 0)
        {
            throw new CatalogException($"{where}: the Component neither patches nor adds anything");
        }
        return (targets, resources);
    }

    static IReadOnlyList<PatchOperation> ReadOperations(string text, string where)
    {
        YamlStream stream = [];
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new CatalogException($"{where}: the patch does not parse: {ex.Message}");
        }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlSequenceNode ops)
        {
            throw new CatalogException($"{where}: a patch is a list of RFC 6902 operations");
        }
        return [.. ops.Children.Select(node =>
        {
            if (node is not YamlMappingNode op)
            {
                throw new CatalogException($"{where}: an operation is a mapping {{op, path, value}}");
            }
            var reader = new MappingReader(op, where);
            var kind = reader.Required("op");
            if (kind is not ("replace" or "add" or "remove"))
            {
                throw new CatalogException($"{where}: op '{kind}' is not one of replace, add, remove");
            }
            op.Children.TryGetValue(new YamlScalarNode("value"), out var value);
            if (kind != "remove" && value is null)
            {
                throw new CatalogException($"{where}: {kind} needs a value");
            }
            var path = reader.Required("path");
            if (!path.StartsWith('/'))
            {
                throw new CatalogException($"{where}: path '{path}' does not start with /");
            }
            return new PatchOperation(kind, path, value);
        })];
    }
}
