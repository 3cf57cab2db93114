using System.Globalization;
using System.Text.RegularExpressions;
using CloudMart.Catalog;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CloudMart.Incidents;

/// <summary>A catalog folder that cannot be read: the message names the file and what is wrong in it.</summary>
public sealed class CatalogException(string message) : Exception(message);

/// <summary>
/// The incident catalog: every fault folder under <c>k8s/day-4/faults/</c>, in id order. The format
/// is described in <c>k8s/day-4/faults/README.md</c>; a folder that breaks it fails the load with a
/// message naming the file.
/// </summary>
public sealed partial class IncidentCatalog
{
    /// <summary>The catalog's folder, from the repository root.</summary>
    public const string FaultsPath = "k8s/day-4/faults";

    IncidentCatalog(string folder, IReadOnlyList<FaultEntry> faults)
    {
        Folder = folder;
        Faults = faults;
    }

    public string Folder { get; }

    public IReadOnlyList<FaultEntry> Faults { get; }

    /// <summary>The faults <c>k8s/day-4/broken-production/</c> ships: the guide's.</summary>
    public IReadOnlyList<FaultEntry> Shipped => [.. Faults.Where(f => f.Shipped)];

    public FaultEntry? Find(int id) => Faults.FirstOrDefault(f => f.Id == id);

    public FaultEntry Get(int id) => Find(id) ?? throw new KeyNotFoundException($"no fault {id} in the catalog {Folder}");

    static readonly Lock CacheLock = new();
    static readonly Dictionary<string, IncidentCatalog> Cache = [];

    /// <summary>The catalog of a repository, read once per process.</summary>
    public static IncidentCatalog For(LabRepository repository)
    {
        var folder = Path.Combine(repository.Root, FaultsPath);
        lock (CacheLock)
        {
            if (!Cache.TryGetValue(folder, out var catalog))
            {
                Cache[folder] = catalog = Load(folder);
            }
            return catalog;
        }
    }

    /// <summary>The catalog of the repository the running tool belongs to.</summary>
    public static IncidentCatalog Current => For(LabRepository.LocateRequired(AppContext.BaseDirectory));

    /// <exception cref="CatalogException">A fault folder does not follow the format.</exception>
    public static IncidentCatalog Load(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new CatalogException($"no incident catalog at {folder}");
        }
        var faults = Directory.GetDirectories(folder).Order(StringComparer.Ordinal).Select(ReadFault).ToList();
        var duplicate = faults.GroupBy(f => f.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new CatalogException($"fault id {duplicate.Key} is used by {string.Join(" and ", duplicate.Select(f => f.FolderName))}");
        }
        foreach (var fault in faults)
        {
            var unknown = fault.Excludes.FirstOrDefault(id => faults.All(f => f.Id != id) || id == fault.Id);
            if (unknown != 0)
            {
                throw new CatalogException($"{fault.FolderName}/fault.yaml: excludes {unknown}, which is {(unknown == fault.Id ? "itself" : "no fault of the catalog")}");
            }
        }
        return new IncidentCatalog(Path.GetFullPath(folder), faults);
    }

    [GeneratedRegex(@"^(\d{2,})-([a-z0-9]+(?:-[a-z0-9]+)*)$")]
    private static partial Regex FolderName();

    static FaultEntry ReadFault(string dir)
    {
        var name = Path.GetFileName(dir);
        var match = FolderName().Match(name);
        if (!match.Success)
        {
            throw new CatalogException($"{dir}: a fault folder is named NN-slug (two-digit id, kebab-case), not '{name}'");
        }
        var file = Path.Combine(dir, "fault.yaml");
        var root = LoadMapping(file);
        var where = $"{name}/fault.yaml";
        var reader = new MappingReader(root, where);
        var id = reader.Int("id");
        if (id != int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture))
        {
            throw new CatalogException($"{where}: id {id} does not match the folder's number {match.Groups[1].Value}");
        }
        var kind = reader.Required("kind") switch
        {
            "manifest" => FaultKind.Manifest,
            "code" => FaultKind.Code,
            var other => throw new CatalogException($"{where}: kind '{other}' is neither manifest nor code"),
        };
        var signal = reader.Mapping("signal");
        var diagnose = reader.Mapping("diagnose") ?? throw new CatalogException($"{where}: no diagnose: {{check, subject}}");
        var diagnoseReader = new MappingReader(diagnose, where + " diagnose");
        var signalReader = signal is null ? null : new MappingReader(signal, where + " signal");
        var entry = new FaultEntry
        {
            Id = id,
            Slug = match.Groups[2].Value,
            Folder = Path.GetFullPath(dir),
            Title = reader.Required("title"),
            Component = reader.Required("component"),
            Kind = kind,
            File = reader.Optional("file"),
            Shipped = reader.Bool("shipped"),
            Symptom = reader.Required("symptom"),
            Cause = reader.Required("cause"),
            Impact = reader.Required("impact"),
            Fix = reader.Required("fix"),
            Signal = new FaultSignal(signalReader?.Optional("pod"), signalReader?.Optional("event"), signalReader?.Optional("log"),
                signalReader?.Optional("metric"), signalReader?.Optional("measured") ?? "mechanism"),
            Local = reader.Optional("local"),
            Check = diagnoseReader.Required("check"),
            Subject = diagnoseReader.Optional("subject"),
            Excludes = reader.Ints("excludes"),
        };
        return WithChange(entry, reader, dir, where);
    }

    static YamlMappingNode LoadMapping(string file)
    {
        if (!System.IO.File.Exists(file))
        {
            throw new CatalogException($"missing {file}");
        }
        YamlStream stream = [];
        try
        {
            using var reader = new StreamReader(file);
            stream.Load(reader);
        }
        catch (YamlException ex)
        {
            throw new CatalogException($"{file} does not parse: {ex.Message}");
        }
        return stream.Documents.Count == 1 && stream.Documents[0].RootNode is YamlMappingNode mapping
            ? mapping
            : throw new CatalogException($"{file} is not one YAML mapping");
    }

    /// <summary>Reads the fields of one mapping, naming the file in every complaint.</summary>
    sealed class MappingReader(YamlMappingNode node, string where)
    {
        YamlNode? Node(string key) => node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

        public string? Optional(string key) => Node(key) switch
        {
            null => null,
            YamlScalarNode { Style: ScalarStyle.Plain, Value: "null" or "~" or "" } => null,
            YamlScalarNode scalar => scalar.Value,
            _ => throw new CatalogException($"{where}: {key} is not a single value"),
        };

        public string Required(string key) => Optional(key) is { Length: > 0 } value ? value : throw new CatalogException($"{where}: {key} is missing");

        public int Int(string key) => int.TryParse(Required(key), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new CatalogException($"{where}: {key} '{Optional(key)}' is not a whole number");

        public bool Bool(string key) => Optional(key) switch
        {
            null or "false" => false,
            "true" => true,
            var other => throw new CatalogException($"{where}: {key} '{other}' is neither true nor false"),
        };

        public YamlMappingNode? Mapping(string key) => Node(key) switch
        {
            null => null,
            YamlScalarNode { Value: "null" or "~" or "" } => null,
            YamlMappingNode mapping => mapping,
            _ => throw new CatalogException($"{where}: {key} is not a mapping"),
        };

        public IReadOnlyList<int> Ints(string key) => Node(key) switch
        {
            null => [],
            YamlScalarNode { Value: "null" or "~" or "" } => [],
            YamlSequenceNode list => [.. list.Children.Select(item => item is YamlScalarNode { Value: var v } && int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                ? id
                : throw new CatalogException($"{where}: {key} holds '{item}', not a fault id"))],
            _ => throw new CatalogException($"{where}: {key} is not a list of ids"),
        };
    }
}
