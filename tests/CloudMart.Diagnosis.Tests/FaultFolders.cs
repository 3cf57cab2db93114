using CloudMart.Manifests;
using CloudMart.Lab;
using k8s;
using k8s.Models;
using YamlDotNet.RepresentationModel;

namespace CloudMart.Diagnosis.Tests;

/// <summary>What a test needs of one fault folder's fault.yaml (k8s/day-4/faults/NN-slug/).</summary>
public sealed record FaultFolder(string Path, int Id, string Title, string Component, string File, string Check, string? Subject, IReadOnlyList<int> Excludes)
{
    public string Name => System.IO.Path.GetFileName(Path);

    public override string ToString() => Name;
}

/// <summary>
/// The manifest faults of k8s/day-4/faults/, and incidents built from them with the installed
/// kubectl's kustomize: the solution's files and the faults' Components in a scratch
/// kustomization, rendered, then split back into the solution's file names (and a fault's own
/// resource files), so a finding's file is the one the fault declares.
/// </summary>
public static class FaultFolders
{
    public static string Root => System.IO.Path.Combine(LabCopy.Repository.Root, "k8s", "day-4", "faults");

    /// <summary>The faults this helper's tests cover: the catalog's new ones (9 and up), each in its folder.</summary>
    public static IReadOnlyList<FaultFolder> New { get; } =
        [.. Directory.GetDirectories(Root).Order(StringComparer.Ordinal).Select(Read).Where(f => f.Id >= 9)];

    public static FaultFolder Get(int id) => New.Single(f => f.Id == id);

    static FaultFolder Read(string folder)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(System.IO.Path.Combine(folder, "fault.yaml")))
        {
            yaml.Load(reader);
        }
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        string? Text(YamlMappingNode node, string key) =>
            node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode { Value: { } text } scalar
            && !(scalar.Style == YamlDotNet.Core.ScalarStyle.Plain && text is "null" or "~" or "") ? text : null;
        var diagnose = (YamlMappingNode)root.Children[new YamlScalarNode("diagnose")];
        var excludes = root.Children.TryGetValue(new YamlScalarNode("excludes"), out var list) && list is YamlSequenceNode sequence
            ? sequence.Children.Select(n => int.Parse(((YamlScalarNode)n).Value!, System.Globalization.CultureInfo.InvariantCulture)).ToList()
            : [];
        return new FaultFolder(folder, int.Parse(Text(root, "id")!, System.Globalization.CultureInfo.InvariantCulture),
            Text(root, "title")!, Text(root, "component")!, Text(root, "file")!, Text(diagnose, "check")!, Text(diagnose, "subject"), excludes);
    }

    /// <summary>
    /// Renders the solution plus <paramref name="faults"/> with kubectl kustomize into
    /// <paramref name="target"/> (a folder that exists and is empty), one file per solution file.
    /// </summary>
    public static void Build(string target, params FaultFolder[] faults)
    {
        using var scratch = new TempFolder();
        var solution = LabCopy.Repository.SolutionManifestsDir;
        var files = ManifestSet.ManifestFiles(solution).Select(System.IO.Path.GetFileName).ToList();
        foreach (var file in files)
        {
            System.IO.File.Copy(System.IO.Path.Combine(solution, file!), System.IO.Path.Combine(scratch.Path, file!));
        }
        var components = new List<string>();
        foreach (var fault in faults)
        {
            var copy = System.IO.Path.Combine(scratch.Path, "faults", fault.Name);
            Directory.CreateDirectory(copy);
            foreach (var file in Directory.GetFiles(fault.Path))
            {
                System.IO.File.Copy(file, System.IO.Path.Combine(copy, System.IO.Path.GetFileName(file)));
            }
            components.Add($"faults/{fault.Name}");
        }
        System.IO.File.WriteAllText(System.IO.Path.Combine(scratch.Path, "kustomization.yaml"),
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n"
            + string.Concat(files.Select(f => $"  - {f}\n"))
            + (components.Count == 0 ? "" : "components:\n" + string.Concat(components.Select(c => $"  - {c}\n"))));

        var result = ProgramRun.RunAsync("kubectl", ["kustomize", scratch.Path], TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
        Assert.True(result.ExitCode == 0, $"kubectl kustomize failed for {string.Join(", ", faults.Select(f => f.Name))}:\n{result.Output}");

        // Which file each object lives in: the solution's, or the fault's own resource file.
        var home = new Dictionary<(string Kind, string Name), string>();
        foreach (var o in ManifestSet.Load(solution).Objects.Concat(ManifestSet.Load(solution).TrafficSourceObjects))
        {
            home[(o.Kind, o.Name)] = o.File!;
        }
        foreach (var fault in faults)
        {
            foreach (var file in Directory.GetFiles(fault.Path, "*.yaml").Where(f => System.IO.Path.GetFileName(f) is not ("fault.yaml" or "kustomization.yaml")))
            {
                foreach (var o in KubernetesYaml.LoadAllFromString(System.IO.File.ReadAllText(file)).OfType<IKubernetesObject<V1ObjectMeta>>())
                {
                    home[(o.Kind, o.Metadata.Name)] = System.IO.Path.GetFileName(file);
                }
            }
        }
        var documents = result.StandardOutput.Split("\n---\n");
        foreach (var group in documents.GroupBy(d =>
                 {
                     var o = (IKubernetesObject<V1ObjectMeta>)KubernetesYaml.LoadAllFromString(d).Single();
                     return home.TryGetValue((o.Kind, o.Metadata.Name), out var file) ? file : throw new InvalidOperationException($"kustomize gave {o.Kind}/{o.Metadata.Name}, which no file holds");
                 }))
        {
            System.IO.File.WriteAllText(System.IO.Path.Combine(target, group.Key), string.Join("---\n", group.Select(d => d.TrimEnd('\n') + "\n")));
        }
    }

    /// <summary>A throw-away repository copy whose manifests folder is the solution plus <paramref name="faults"/>, rendered by kustomize.</summary>
    public static LabCopy Incident(params FaultFolder[] faults)
    {
        var copy = LabCopy.Solution();
        foreach (var file in Directory.GetFiles(copy.Folder, "*.yaml"))
        {
            System.IO.File.Delete(file);
        }
        Build(copy.Folder, faults);
        return copy;
    }
}
