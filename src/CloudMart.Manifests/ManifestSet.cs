using CloudMart.Catalog;
using k8s;
using k8s.Models;

namespace CloudMart.Manifests;

/// <summary>
/// One Kubernetes object, read from a manifest file (<see cref="File"/> is its name and
/// <see cref="Document"/> its place among the file's YAML documents) or from a cluster (both null).
/// </summary>
public sealed record ManifestObject(string? File, IKubernetesObject<V1ObjectMeta> Object, int Document = 0)
{
    public string Kind => Object.Kind;

    public string Name => Object.Metadata.Name;
}

/// <summary>A service's one container, with its place in the pod template for field paths.</summary>
public sealed record ContainerRef(V1Deployment Deployment, V1Container Container, int Index)
{
    public string Path => $"spec.template.spec.containers[{Index}]";
}

/// <summary>A manifests folder that cannot be diagnosed: missing, empty, or not valid Kubernetes YAML.</summary>
public sealed class ManifestLoadException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The objects of one manifests folder, parsed strictly (an unknown field is an error) into the
/// Kubernetes client's typed models, as <c>kubectl apply -f FOLDER</c> would send them; or the
/// Deployments and Services read from a cluster, so the same checks apply to both.
/// </summary>
public sealed class ManifestSet
{
    ManifestSet(string origin, string? folder, IReadOnlyList<ManifestObject> objects, bool holdsSecrets, IReadOnlyList<ManifestObject>? trafficSource = null)
    {
        Origin = origin;
        Folder = folder;
        Objects = objects;
        HoldsSecrets = holdsSecrets;
        TrafficSourceObjects = trafficSource ?? [];
    }

    /// <summary>What the objects were read from: the folder, or a cluster's API server and namespace.</summary>
    public string Origin { get; }

    /// <summary>The folder the objects were read from; null for a cluster.</summary>
    public string? Folder { get; }

    public IReadOnlyList<ManifestObject> Objects { get; }

    /// <summary>
    /// The objects of the lab's customers (namespace <see cref="TrafficSource.Namespace"/>), set apart
    /// from <see cref="Objects"/>: they are no part of the shop, so the shop's checks do not read them.
    /// </summary>
    public IReadOnlyList<ManifestObject> TrafficSourceObjects { get; }

    /// <summary>
    /// Whether the Secrets the containers refer to are among the objects. A folder holds them; a
    /// diagnosis of a cluster does not read Secrets, so it cannot check the values they carry.
    /// </summary>
    public bool HoldsSecrets { get; }

    /// <summary>
    /// The YAML files kubectl would apply from <paramref name="folder"/>, in its order: with
    /// <c>-f</c>, every manifest file; for a folder holding a kustomization, the files it lists (<c>-k</c>).
    /// </summary>
    public static IReadOnlyList<string> ManifestFiles(string folder) => Kustomization.In(folder) is { } kustomization
        ? Kustomization.Resources(kustomization)
        : Directory.GetFiles(folder)
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Reads every manifest of a folder, or says exactly why it cannot.</summary>
    /// <exception cref="ManifestLoadException">The folder is missing, holds no manifest, or one does not parse.</exception>
    public static ManifestSet Load(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new ManifestLoadException(File.Exists(folder)
                ? $"{folder} is a file, not a folder of manifests"
                : $"the folder {folder} does not exist");
        }
        var files = ManifestFiles(folder);
        if (files.Count == 0)
        {
            throw new ManifestLoadException($"the folder {folder} holds no manifests (no .yaml, .yml or .json file)");
        }
        var objects = new List<ManifestObject>();
        var trafficSource = new List<ManifestObject>();
        foreach (var file in files)
        {
            var name = System.IO.Path.GetRelativePath(folder, file);
            List<object> parsed;
            try
            {
                parsed = KubernetesYaml.LoadAllFromString(File.ReadAllText(file), strict: true);
            }
            catch (Exception ex) when (ex is YamlDotNet.Core.YamlException or InvalidOperationException or ArgumentException or FormatException or KeyNotFoundException)
            {
                throw new ManifestLoadException($"{file} is not valid Kubernetes YAML: {Flatten(ex)}", ex);
            }
            for (var document = 0; document < parsed.Count; document++)
            {
                var typed = parsed[document] as IKubernetesObject<V1ObjectMeta>
                    ?? throw new ManifestLoadException($"{file}: document {document + 1} ({parsed[document]?.GetType().Name ?? "empty"}) is not a Kubernetes object with metadata");
                if (typed.Metadata?.Name is null)
                {
                    throw new ManifestLoadException($"{file}: document {document + 1} ({typed.Kind}) has no metadata.name");
                }
                (IsTrafficSource(typed) ? trafficSource : objects).Add(new ManifestObject(name, typed, document));
            }
        }
        if (objects.Count == 0)
        {
            throw new ManifestLoadException($"the manifests in {folder} hold no Kubernetes object");
        }
        return new ManifestSet(folder, folder, objects, holdsSecrets: true, trafficSource);
    }

    static bool IsTrafficSource(IKubernetesObject<V1ObjectMeta> obj) =>
        obj is V1Namespace ? obj.Metadata.Name == TrafficSource.Namespace : obj.Metadata.NamespaceProperty == TrafficSource.Namespace;

    /// <summary>Objects read from a cluster, for the checks that apply to live objects.</summary>
    public static ManifestSet FromCluster(string origin, IEnumerable<IKubernetesObject<V1ObjectMeta>> objects) =>
        new(origin, null, objects.Select(o => new ManifestObject(null, o)).ToList(), holdsSecrets: false);

    static string Flatten(Exception ex)
    {
        var messages = new List<string>();
        for (var e = ex; e is not null && messages.Count < 4; e = e.InnerException)
        {
            if (!messages.Contains(e.Message))
            {
                messages.Add(e.Message);
            }
        }
        return string.Join(": ", messages);
    }

    public IEnumerable<T> All<T>() => Objects.Select(o => o.Object).OfType<T>();

    public IEnumerable<V1Deployment> Deployments => All<V1Deployment>();

    public IEnumerable<V1Service> Services => All<V1Service>();

    public V1Deployment Deployment(string name) => Single<V1Deployment>(name);

    public V1Service Service(string name) => Single<V1Service>(name);

    public V1Deployment? FindDeployment(string name) => Deployments.FirstOrDefault(d => d.Metadata.Name == name);

    public V1Service? FindService(string name) => Services.FirstOrDefault(s => s.Metadata.Name == name);

    public T Single<T>(string name) where T : IKubernetesObject<V1ObjectMeta> =>
        All<T>().SingleOrDefault(o => o.Metadata.Name == name)
        ?? throw new InvalidOperationException($"{System.IO.Path.GetFileName(Origin)} has no {typeof(T).Name} called {name}");

    /// <summary>The file that holds the object of kind <typeparamref name="T"/> called <paramref name="name"/>.</summary>
    public string FileOf<T>(string name) => Objects.Single(o => o.Object is T && o.Name == name).File
        ?? throw new InvalidOperationException($"{typeof(T).Name} {name} was not read from a file");

    /// <summary>Where an object came from, for a finding's location.</summary>
    public ManifestObject? SourceOf(IKubernetesObject<V1ObjectMeta> obj) => Objects.FirstOrDefault(o => ReferenceEquals(o.Object, obj));

    /// <summary>Where a field of an object is: its file and the field's line there, or the live object alone.</summary>
    public FindingLocation Locate(IKubernetesObject<V1ObjectMeta> resource, string? field)
    {
        var source = SourceOf(resource);
        int? line = null;
        if (source?.File is { } file && Folder is { } folder)
        {
            line = YamlLocator.Line(System.IO.Path.Combine(folder, file), source.Document, field);
        }
        return new FindingLocation(source?.File, line, resource.Kind ?? resource.GetType().Name.TrimStart('V', '1'), resource.Metadata.Name, field);
    }

    /// <summary>A field of a service container, <paramref name="field"/> being its path inside the container.</summary>
    public FindingLocation Locate(ContainerRef container, string field) => Locate(container.Deployment, $"{container.Path}.{field}");

    /// <summary>The one container of a service's Deployment (each pod runs exactly one).</summary>
    public V1Container Container(string service) =>
        FindContainer(service)?.Container ?? throw new InvalidOperationException($"{System.IO.Path.GetFileName(Origin)} has no single container for {service}");

    /// <summary>
    /// The container of a service's Deployment: the one named like the service, or the only one;
    /// null when the Deployment is missing or runs several containers none of which is named so.
    /// </summary>
    public ContainerRef? FindContainer(string service)
    {
        if (FindDeployment(service) is not { } deployment || deployment.Spec?.Template?.Spec?.Containers is not { Count: > 0 } containers)
        {
            return null;
        }
        for (var i = 0; i < containers.Count; i++)
        {
            if (containers[i].Name == service)
            {
                return new ContainerRef(deployment, containers[i], i);
            }
        }
        return containers.Count == 1 ? new ContainerRef(deployment, containers[0], 0) : null;
    }

    /// <summary>The Deployments whose pods a Service's selector picks.</summary>
    public IEnumerable<V1Deployment> DeploymentsSelectedBy(V1Service service) =>
        Deployments.Where(d => Selects(service.Spec?.Selector, d.Spec?.Template?.Metadata?.Labels));

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
        return IsClusterHost(host) ? FindService(parts[0]) : null;
    }

    /// <summary>Whether a host name is one of the forms the namespace's DNS answers for its Services.</summary>
    public static bool IsClusterHost(string host)
    {
        var parts = host.Split('.');
        return parts.Length switch
        {
            1 => true,
            2 => parts[1] == ServiceCatalog.Namespace,
            3 => parts[1] == ServiceCatalog.Namespace && parts[2] == "svc",
            5 => parts[1] == ServiceCatalog.Namespace && parts[2] == "svc" && parts[3] == "cluster" && parts[4] == "local",
            _ => false,
        };
    }

    /// <summary>Whether a host name is meant for the cluster's DNS at all (a bare name or a *.svc.cluster.local name).</summary>
    public static bool LooksInCluster(string host) =>
        !host.Contains('.', StringComparison.Ordinal) || IsClusterHost(host)
        || host.EndsWith(".svc", StringComparison.Ordinal) || host.EndsWith(".svc.cluster.local", StringComparison.Ordinal);
}
