using System.Text;
using CloudMart.Catalog;
using CloudMart.Cli.Commands;
using CloudMart.Lab;

namespace CloudMart.Cli.Tests.Support;

/// <summary>
/// The real local run, started once per collection through <see cref="LocalRun"/> exactly as
/// <c>cloudmart up</c> starts it, on a free range of ports (offsets 1000-4800: clear of the
/// defaults, of the up tests' range and of the end-to-end tests' range) and in a scratch state
/// folder, with the variable changes a subclass asks for.
/// </summary>
public abstract class LocalLab : IAsyncLifetime
{
    readonly string _state = Directory.CreateTempSubdirectory("cloudmart-lv-").FullName;

    /// <summary>Changes to the healthy variables, by service: how a fault is put in.</summary>
    protected virtual Dictionary<string, IReadOnlyDictionary<string, string?>> Overrides => [];

    public RunningLab Lab { get; private set; } = null!;

    public Uri Gateway => Lab.GatewayUrl;

    public string StateDirectory => _state;

    /// <summary>What <c>verify</c> needs to find this run.</summary>
    public VerifyEnvironment Environment => new() { RepositoryRoot = TestMachine.RepositoryRoot, StateDirectory = _state };

    public async Task InitializeAsync()
    {
        var ports = LabPorts.FirstFree(Enumerable.Range(0, 38).Select(i => 1000 + 100 * i + Random.Shared.Next(0, 90)));
        Lab = await LocalRun.StartAsync(new LocalRunOptions
        {
            Layout = new LabLayout(TestMachine.RepositoryRoot, new LabRuns(_state).Folder(LabRuns.DefaultName)),
            Ports = ports,
            Binaries = ServiceBinaries.Build(UpEnvironment.ThisConfiguration),
            NginxPath = TestMachine.NginxPath,
            StartTimeout = TimeSpan.FromSeconds(90),
            VariableOverrides = Overrides.ToDictionary(p => p.Key, p => p.Value),
        });
        // A fresh Debug build compiles each request path on first use (JIT); a few orders first, as
        // a system that has been up a while has had, so the tests measure the steady state.
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(20) };
        for (var i = 0; i < 3; i++)
        {
            using var content = new StringContent("""{"item": "warm-up", "quantity": 1}""", Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(new Uri(Gateway, "/api/orders"), content);
        }
    }

    public async Task DisposeAsync()
    {
        if (Lab is not null)
        {
            await Lab.StopAsync();
        }
        try
        {
            Directory.Delete(_state, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>The local run with its healthy configuration.</summary>
public sealed class HealthyLab : LocalLab;

/// <summary>Fault 8 at its worst: the database-service fails every store call.</summary>
public sealed class ChaosLab : LocalLab
{
    protected override Dictionary<string, IReadOnlyDictionary<string, string?>> Overrides => new()
    {
        [ServiceCatalog.Database.Name] = new Dictionary<string, string?> { ["CHAOS_FAILURE_RATE"] = "1" },
    };
}

/// <summary>Fault 3: the order-service looks for its database under a name that does not resolve.</summary>
public sealed class WrongDatabaseUrlLab : LocalLab
{
    protected override Dictionary<string, IReadOnlyDictionary<string, string?>> Overrides => new()
    {
        [ServiceCatalog.Order.Name] = new Dictionary<string, string?> { ["DATABASE_URL"] = "http://database:8080" },
    };
}

[CollectionDefinition(Name)]
public sealed class HealthyLabCollection : ICollectionFixture<HealthyLab>
{
    public const string Name = "healthy local run";
}

[CollectionDefinition(Name)]
public sealed class ChaosLabCollection : ICollectionFixture<ChaosLab>
{
    public const string Name = "local run with CHAOS_FAILURE_RATE=1";
}

[CollectionDefinition(Name)]
public sealed class WrongDatabaseUrlLabCollection : ICollectionFixture<WrongDatabaseUrlLab>
{
    public const string Name = "local run with DATABASE_URL=http://database:8080";
}
