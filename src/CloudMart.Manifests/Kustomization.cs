using YamlDotNet.RepresentationModel;

namespace CloudMart.Manifests;

/// <summary>
/// A folder with a kustomization.yaml is meant for <c>kubectl apply -k</c>, which deploys the files
/// its <c>resources</c> list names, in that order, and nothing else in the folder. The diagnosis
/// reads exactly those, so what it checks is what that command deploys. Fields that rewrite the
/// objects (patches, images, name prefixes) would make the files differ from what runs; a
/// kustomization that uses them is refused with the field's name rather than read wrongly.
/// </summary>
public static class Kustomization
{
    public static readonly IReadOnlyList<string> FileNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

    /// <summary>The keys that say what the kustomization is and which files it takes, and change no object.</summary>
    static readonly HashSet<string> PlainKeys = new(StringComparer.Ordinal) { "apiVersion", "kind", "resources" };

    /// <summary>The kustomization file of a folder, or null.</summary>
    public static string? In(string folder) =>
        FileNames.Select(name => Path.Combine(folder, name)).FirstOrDefault(File.Exists);

    /// <summary>The files its resources list names, as full paths in the listed order.</summary>
    /// <exception cref="ManifestLoadException">The file does not parse, rewrites objects, or lists something that is not a file of the folder.</exception>
    public static IReadOnlyList<string> Resources(string file)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
        var name = Path.GetFileName(file);
        YamlStream stream = [];
        try
        {
            using var reader = new StreamReader(file);
            stream.Load(reader);
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            throw new ManifestLoadException($"{file} is not valid YAML: {ex.Message}", ex);
        }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new ManifestLoadException($"{file} is not one YAML mapping");
        }
        foreach (var key in root.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? ""))
        {
            if (!PlainKeys.Contains(key))
            {
                throw new ManifestLoadException($"{name} uses '{key}', which rewrites the objects; diagnose reads manifests as they are written (render them with 'kubectl kustomize' into a folder and diagnose that)");
            }
        }
        if (!root.Children.TryGetValue(new YamlScalarNode("resources"), out var listed) || listed is not YamlSequenceNode { Children.Count: > 0 } entries)
        {
            throw new ManifestLoadException($"{name} lists no resources");
        }
        var files = new List<string>();
        foreach (var entry in entries.Children)
        {
            var resource = (entry as YamlScalarNode)?.Value ?? "";
            var path = Path.GetFullPath(Path.Combine(folder, resource));
            if (!File.Exists(path) || !path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new ManifestLoadException($"{name} lists '{resource}', which is not a manifest file in {folder} (folders and remote resources are not read)");
            }
            files.Add(path);
        }
        return files;
    }
}
