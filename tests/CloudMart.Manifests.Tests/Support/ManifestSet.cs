using k8s;
using k8s.Models;
using CloudMart.ServiceDefaults;

namespace CloudMart.Manifests.Tests.Support;

/// <summary>One Kubernetes object read from a manifest file.</summary>
public sealed record ManifestObject(string File, IKubernetesObject<V1ObjectMeta> Object)
{
    public string Kind => Object.Kind;
    public string Name => Object.Metadata.Name;
}

/// <summary>
/// The objects of one manifests folder, parsed strictly (an unknown field is an error) into the
/// Kubernetes client's typed models, as <c>kubectl apply -f FOLDER</c> would send them.
/// </summary>
public sealed class ManifestSet
{
    ManifestSet(string folder, IReadOnlyList<ManifestObject> objects)
    {
        Folder = folder;
        Objects = objects;
    }

    public string Folder { get; }

    public IReadOnlyList<ManifestObject> Objects { get; }

    public static ManifestSet Broken { get; } = Load(Repo.BrokenManifestsDir);

    public static ManifestSet Solution { get; } = Load(Repo.SolutionManifestsDir);

    public static ManifestSet Named(string folder) => folder switch
    {
        "broken-production" => Broken,
        "solution" => Solution,
        _ => throw new ArgumentException($"no manifests folder {folder}", nameof(folder)),
    };

    /// <summary>The YAML files kubectl would apply from <paramref name="folder"/>, in its order.</summary>
    public static IReadOnlyList<string> ManifestFiles(string folder) =>
        Directory.GetFiles(folder)
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

    public static ManifestSet Load(string folder)
    {
        var objects = new List<ManifestObject>();
        foreach (var file in ManifestFiles(folder))
        {
            foreach (var parsed in KubernetesYaml.LoadAllFromString(File.ReadAllText(file), strict: true))
            {
                var typed = parsed as IKubernetesObject<V1ObjectMeta>
                    ?? throw new InvalidDataException($"{file}: {parsed?.GetType().Name ?? "null"} is not a Kubernetes object with metadata");
                objects.Add(new ManifestObject(Path.GetFileName(file), typed));
            }
        }
        return new ManifestSet(folder, objects);
    }

    public IEnumerable<T> All<T>() => Objects.Select(o => o.Object).OfType<T>();

    public IEnumerable<V1Deployment> Deployments => All<V1Deployment>();

    public IEnumerable<V1Service> Services => All<V1Service>();

    public V1Deployment Deployment(string name) => Single<V1Deployment>(name);

    public V1Service Service(string name) => Single<V1Service>(name);

    public V1Service? FindService(string name) => Services.SingleOrDefault(s => s.Metadata.Name == name);

    public T Single<T>(string name) where T : IKubernetesObject<V1ObjectMeta> =>
        All<T>().SingleOrDefault(o => o.Metadata.Name == name)
        ?? throw new InvalidOperationException($"{Path.GetFileName(Folder)} has no {typeof(T).Name} called {name}");

    /// <summary>The file that holds the object of kind <typeparamref name="T"/> called <paramref name="name"/>.</summary>
    public string FileOf<T>(string name) => Objects.Single(o => o.Object is T && o.Name == name).File;

    /// <summary>The one container of a service's Deployment (each pod runs exactly one).</summary>
    public V1Container Container(string service) => Deployment(service).Spec.Template.Spec.Containers.Single();

    /// <summary>The Deployments whose pods a Service's selector picks.</summary>
    public IEnumerable<V1Deployment> DeploymentsSelectedBy(V1Service service) =>
        Deployments.Where(d => Selects(service.Spec.Selector, d.Spec.Template.Metadata.Labels));

    public static bool Selects(IDictionary<string, string>? selector, IDictionary<string, string>? labels) =>
        selector is { Count: > 0 }
        && labels is not null
        && selector.All(pair => labels.TryGetValue(pair.Key, out var value) && value == pair.Value);

    /// <summary>
    /// The Service an in-cluster URL reaches: its host may be the short name, name.namespace,
    /// name.namespace.svc or the full cluster name.
    /// </summary>
    public V1Service? ServiceForHost(string host)
    {
        var parts = host.Split('.');
        var suffixOk = parts.Length switch
        {
            1 => true,
            2 => parts[1] == ServiceCatalog.Namespace,
            3 => parts[1] == ServiceCatalog.Namespace && parts[2] == "svc",
            5 => parts[1] == ServiceCatalog.Namespace && parts[2] == "svc" && parts[3] == "cluster" && parts[4] == "local",
            _ => false,
        };
        return suffixOk ? FindService(parts[0]) : null;
    }
}

/// <summary>Shortcuts on the typed models.</summary>
public static class ModelExtensions
{
    public static V1EnvVar? Env(this V1Container container, string name) =>
        container.Env?.SingleOrDefault(e => e.Name == name);

    public static string? EnvValue(this V1Container container, string name) => container.Env(name)?.Value;

    public static long MemoryLimitMiB(this V1Container container) =>
        container.Resources.Limits["memory"].ToInt64() / (1024 * 1024);

    public static long MemoryRequestMiB(this V1Container container) =>
        container.Resources.Requests["memory"].ToInt64() / (1024 * 1024);

    /// <summary>A probe's HTTP port as a number, or -1 when it is a port name (the manifests use numbers).</summary>
    public static int HttpPort(this V1Probe probe) =>
        int.TryParse(probe.HttpGet.Port?.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) ? port : -1;
}
