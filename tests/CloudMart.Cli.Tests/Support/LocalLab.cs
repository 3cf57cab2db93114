using System.Text;

namespace CloudMart.Cli.Tests.Support;

/// <summary>
/// The real local run (see <see cref="LocalSystem"/>) on offsets 1000-4800, clear of the defaults,
/// of the up tests' range and of the end-to-end tests' range, kept where <c>up</c> keeps its default
/// run so that <c>verify</c> finds it, with the variable changes a subclass asks for.
/// </summary>
public abstract class LocalLab : LocalSystem
{
    /// <summary>What <c>verify</c> needs to find this run.</summary>
    public LabEnvironment Environment => new() { RepositoryRoot = TestMachine.RepositoryRoot, StateDirectory = StateDirectory };

    protected override IEnumerable<int> PortOffsets => Offsets(1000, 38, 100, 90);

    protected override string RunFolder => new LabRuns(StateDirectory).Folder(LabRuns.DefaultName);

    protected override async Task StartedAsync()
    {
        // A fresh Debug build compiles each request path on first use (JIT); a few orders first, as
        // a system that has been up a while has had, so the tests measure the steady state.
        for (var i = 0; i < 3; i++)
        {
            using var content = new StringContent("""{"item": "warm-up", "quantity": 1}""", Encoding.UTF8, "application/json");
            using var response = await Http.PostAsync(new Uri(Gateway, "/api/orders"), content);
        }
    }
}

/// <summary>The local run with its healthy configuration.</summary>
public sealed class HealthyLab : LocalLab;

/// <summary>Fault 8 at its worst: the database-service fails every store call.</summary>
public sealed class ChaosLab : LocalLab
{
    protected override IReadOnlyDictionary<string, IReadOnlyDictionary<string, string?>> Overrides { get; } =
        Override(ServiceCatalog.Database, "CHAOS_FAILURE_RATE", "1");
}

/// <summary>Fault 3: the order-service looks for its database under a name that does not resolve.</summary>
public sealed class WrongDatabaseUrlLab : LocalLab
{
    protected override IReadOnlyDictionary<string, IReadOnlyDictionary<string, string?>> Overrides { get; } =
        Override(ServiceCatalog.Order, "DATABASE_URL", FaultValues.Of(3));
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
    public const string Name = "local run with fault 3's DATABASE_URL";
}
