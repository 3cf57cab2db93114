using System.Globalization;
using System.Net.Http.Json;
using CloudMart.Manifests;

namespace CloudMart.EndToEnd.Tests;

/// <summary>
/// Runs the real services and nginx locally with the environment the Kubernetes manifests give
/// them: each in-cluster Service address in a variable becomes the local address of that
/// Service's component, and a variable the manifest does not set is not set. The solution's
/// environment must give a healthy shop; the broken one must not.
/// </summary>
public sealed class ManifestEnvironmentRunTests : IDisposable
{
    readonly string _state = Directory.CreateTempSubdirectory("cloudmart-manifest-env-").FullName;
    readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(15) };

    static string Folder(string name) =>
        Path.Combine(LabRepository.Find(AppContext.BaseDirectory).Root, "k8s", "day-4", name);

    [Fact]
    public async Task With_the_solution_manifests_environment_twenty_orders_through_nginx_all_succeed_in_under_2_seconds()
    {
        var ports = FreePorts();
        await using var lab = await StartAsync(ManifestOverrides(ManifestSet.Load(Folder("solution")), ports), ports);
        // One untimed order first: the tests run a fresh framework-dependent build, whose first calls compile code.
        using (var warmUp = await _http.PostAsJsonAsync(new Uri(lab.GatewayUrl, "/api/orders"), new { item = "warm-up", quantity = 1 }))
        {
            Assert.Equal(HttpStatusCode.OK, warmUp.StatusCode);
        }

        for (var i = 1; i <= 20; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await _http.PostAsJsonAsync(new Uri(lab.GatewayUrl, "/api/orders"), new { item = $"item-{i}", quantity = 1 });
            watch.Stop();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"order {i} took {watch.Elapsed.TotalMilliseconds:0} ms");
        }
    }

    [Fact]
    public async Task With_the_broken_manifests_environment_the_database_service_does_not_start()
    {
        var ports = FreePorts();
        var failure = await Assert.ThrowsAsync<LabStartException>(() =>
            StartAsync(ManifestOverrides(ManifestSet.Load(Folder("broken-production")), ports), ports));

        Assert.Equal(ServiceCatalog.Database.Name, failure.Component);
        Assert.Contains("DB_NAME", failure.LogTail);
    }

    [Fact]
    public async Task With_the_broken_manifests_environment_and_only_DB_NAME_fixed_orders_still_fail()
    {
        var ports = FreePorts();
        var overrides = ManifestOverrides(ManifestSet.Load(Folder("broken-production")), ports);
        overrides[ServiceCatalog.Database.Name]["DB_NAME"] = "cloudmart-db";
        await using var lab = await StartAsync(overrides, ports);

        for (var i = 1; i <= 5; i++)
        {
            using var response = await _http.PostAsJsonAsync(new Uri(lab.GatewayUrl, "/api/orders"), new { item = $"item-{i}", quantity = 1 });
            Assert.True((int)response.StatusCode >= 500, $"order {i} got {(int)response.StatusCode}");
            // The client learns which dependency failed and how; the URL stays in the service's log.
            var body = await response.Content.ReadAsStringAsync();
            Assert.Contains($"The {ServiceCatalog.Database.Name} call failed: its name did not resolve", body);
            Assert.DoesNotContain("http://database:8080", body);
        }
        Assert.Contains("http://database:8080/store", await File.ReadAllTextAsync(lab.Layout.LogFile(ServiceCatalog.Order.Name)));
    }

    /// <summary>Each service's variables as its Deployment sets them, with in-cluster addresses made local.</summary>
    static Dictionary<string, Dictionary<string, string?>> ManifestOverrides(ManifestSet manifests, LabPorts ports)
    {
        var overrides = new Dictionary<string, Dictionary<string, string?>>();
        foreach (var service in ServiceCatalog.Services)
        {
            var container = manifests.Deployment(service.Name).Spec.Template.Spec.Containers.Single();
            var env = (container.Env ?? []).Where(e => e.Value is not null).ToDictionary(e => e.Name, e => e.Value);
            var variables = new Dictionary<string, string?>();
            foreach (var variable in service.Variables)
            {
                // Locally every service needs a port of its own, and no Tempo listens.
                var local = variable.Name is "PORT" or "OTEL_EXPORTER_OTLP_ENDPOINT" or "OTEL_SDK_DISABLED";
                variables[variable.Name] = local || !env.TryGetValue(variable.Name, out var value) ? null
                    : variable.Kind == VariableKind.HttpUrl ? Localise(manifests, value, ports)
                    : value;
            }
            variables.Remove("PORT");
            variables.Remove("DATA_DIR");
            variables.Remove("JWT_SIGNING_KEY");
            overrides[service.Name] = variables;
        }
        return overrides;
    }

    /// <summary>A URL naming a Service and a port it serves becomes that component's local URL; any other URL stays as it is.</summary>
    static string Localise(ManifestSet manifests, string url, LabPorts ports)
    {
        var uri = new Uri(url);
        if (manifests.ServiceForHost(uri.Host) is { } service && (service.Spec.Ports ?? []).Any(p => p.Port == uri.Port))
        {
            return $"http://127.0.0.1:{ports.For(service.Metadata.Name).ToString(CultureInfo.InvariantCulture)}{uri.PathAndQuery.TrimEnd('/')}";
        }
        return url;
    }

    static LabPorts FreePorts() => LabPorts.FirstFree(LocalSystem.Offsets(24_000, 20, 400, 300));

    Task<RunningLab> StartAsync(Dictionary<string, Dictionary<string, string?>> overrides, LabPorts ports) =>
        LocalSystem.StartRunAsync(Path.Combine(_state, Guid.NewGuid().ToString("N")), [ports.Offset],
            overrides.ToDictionary(o => o.Key, o => (IReadOnlyDictionary<string, string?>)o.Value));

    public void Dispose()
    {
        _http.Dispose();
        try
        {
            Directory.Delete(_state, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
