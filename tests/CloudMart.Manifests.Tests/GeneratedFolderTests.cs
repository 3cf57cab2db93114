using System.Text;
using YamlDotNet.RepresentationModel;

namespace CloudMart.Manifests.Tests;

/// <summary>
/// k8s/day-4/broken-production/ is generated: the solution plus the catalog's shipped faults, and
/// the gateway ConfigMap of the solution is nginx.conf. The generator works on text; kustomize
/// (kubectl kustomize over the same solution files and the faults' Components) must agree with it
/// on the objects.
/// </summary>
public sealed class GeneratedFolderTests
{
    static readonly LabRepository Repository = LabRepository.Find(AppContext.BaseDirectory);

    static readonly IncidentCatalog Catalog = IncidentCatalog.For(Repository);

    [Fact]
    public void Broken_production_is_byte_for_byte_what_the_generator_writes()
    {
        var generated = IncidentGenerator.Generate(Repository, Catalog, Catalog.Shipped);

        Assert.Equal(generated.Select(f => f.Name), Directory.GetFiles(Repo.BrokenManifestsDir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.All(generated, file => Assert.True(
            File.ReadAllText(Path.Combine(Repo.BrokenManifestsDir, file.Name)) == file.Content,
            $"k8s/day-4/broken-production/{file.Name} is not what the generator writes: run ./cloudmart lab sync (k8s/day-4/generate.sh)"));
    }

    [Fact]
    public void The_solutions_gateway_config_map_is_rendered_from_nginx_conf()
    {
        var manifest = File.ReadAllText(Path.Combine(Repo.SolutionManifestsDir, IncidentGenerator.GatewayManifest));

        Assert.True(manifest == IncidentGenerator.WithGatewayConfig(manifest, File.ReadAllText(Repo.GatewayNginxConf)),
            "the ConfigMap gateway-config of k8s/day-4/solution/02-gateway.yaml is not nginx.conf: run ./cloudmart lab sync (k8s/day-4/generate.sh)");
    }

    [Fact]
    public void The_shipped_faults_are_the_catalog_entries_marked_shipped()
    {
        Assert.NotEmpty(Catalog.Shipped);
        Assert.Equal(Enumerable.Range(1, Catalog.Shipped.Count), Catalog.Shipped.Select(f => f.Id));
    }

    /// <summary>For the shipped set, the new faults together and each manifest fault alone, kustomize gives the objects the generator writes.</summary>
    [Theory]
    [MemberData(nameof(KustomizeCases))]
    public void Kustomize_of_the_solution_and_the_faults_components_gives_the_generators_objects(string faults)
    {
        var chosen = faults.Split(',').Select(id => Catalog.Get(int.Parse(id, System.Globalization.CultureInfo.InvariantCulture))).ToList();
        using var temp = new TempDir();
        var solutionFiles = Directory.GetFiles(Repo.SolutionManifestsDir, "*.yaml").Order(StringComparer.Ordinal).ToList();
        Directory.CreateDirectory(Path.Combine(temp.Path, "solution"));
        foreach (var file in solutionFiles)
        {
            File.Copy(file, Path.Combine(temp.Path, "solution", Path.GetFileName(file)));
        }
        var components = chosen.Where(f => f.Kind == FaultKind.Manifest)
            // Paths address the solution as it is: a fault that removes list items goes last, so it shifts no other fault's index.
            .OrderBy(f => f.Patches.Any(p => p.Operations.Any(o => o.Op == "remove")))
            .ThenByDescending(f => f.Id)
            .ToList();
        foreach (var fault in components)
        {
            CopyFolder(fault.Folder, Path.Combine(temp.Path, "faults", fault.FolderName));
        }
        var kustomization = new StringBuilder("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n");
        foreach (var file in solutionFiles)
        {
            kustomization.Append("  - solution/").Append(Path.GetFileName(file)).Append('\n');
        }
        kustomization.Append("components:\n");
        foreach (var fault in components)
        {
            kustomization.Append("  - faults/").Append(fault.FolderName).Append('\n');
        }
        File.WriteAllText(Path.Combine(temp.Path, "kustomization.yaml"), kustomization.ToString());
        var kubectl = ProcessRunner.Which("kubectl");
        Assert.True(kubectl is not null, "kubectl (with its built-in kustomize) is not installed");

        var result = ProcessRunner.Run(kubectl, ["kustomize", temp.Path], timeout: TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, $"kubectl kustomize failed: {result.Output}");

        var generated = IncidentGenerator.Generate(Repository, Catalog, chosen).Where(f => f.Name.EndsWith(".yaml", StringComparison.Ordinal));
        var expected = generated.SelectMany(f => YamlCanon.Objects(f.Content)).OrderBy(o => o.Key, StringComparer.Ordinal).ToList();
        var actual = YamlCanon.Objects(result.StandardOutput).OrderBy(o => o.Key, StringComparer.Ordinal).ToList();
        Assert.Equal(expected.Select(o => o.Key), actual.Select(o => o.Key));
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i].Value == actual[i].Value, $"{expected[i].Key} differs:\ngenerator: {expected[i].Value}\nkustomize: {actual[i].Value}");
        }
    }

    public static TheoryData<string> KustomizeCases()
    {
        // The shipped set, and the new faults together (the incident the diagnosis tests stage them all in).
        var data = new TheoryData<string>
        {
            string.Join(",", Catalog.Shipped.Select(f => f.Id)),
            string.Join(",", Catalog.Faults.Where(f => !f.Shipped && f.Kind == FaultKind.Manifest).Select(f => f.Id)),
        };
        foreach (var fault in Catalog.Faults.Where(f => f.Kind == FaultKind.Manifest))
        {
            data.Add(fault.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return data;
    }

    static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("cloudmart-kustomize-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}

/// <summary>Objects of a multi-document YAML text in a canonical form: sorted keys, scalars typed as YAML resolves them.</summary>
public static class YamlCanon
{
    public static IEnumerable<KeyValuePair<string, string>> Objects(string text)
    {
        YamlStream stream = [];
        stream.Load(new StringReader(text));
        foreach (var document in stream.Documents)
        {
            if (document.RootNode is not YamlMappingNode root)
            {
                continue;
            }
            var kind = Scalar(root, "kind");
            var metadata = (YamlMappingNode)root.Children[new YamlScalarNode("metadata")];
            yield return new($"{kind}/{Scalar(metadata, "namespace")}/{Scalar(metadata, "name")}", Canon(root));
        }
    }

    static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value : null;

    static string Canon(YamlNode node) => node switch
    {
        YamlMappingNode mapping => "{" + string.Join(",", mapping.Children
            .Select(pair => (Key: ((YamlScalarNode)pair.Key).Value!, Value: Canon(pair.Value)))
            .OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => $"{pair.Key}={pair.Value}")) + "}",
        YamlSequenceNode sequence => "[" + string.Join(",", sequence.Children.Select(Canon)) + "]",
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } scalar when YamlTextPatch.ResolvesToNonString(scalar.Value ?? "") =>
            "typed:" + (scalar.Value ?? "").ToLowerInvariant(),
        YamlScalarNode scalar => "string:" + scalar.Value,
        _ => "?",
    };
}
