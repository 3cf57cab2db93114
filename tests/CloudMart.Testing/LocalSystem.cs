using Xunit;
using CloudMart.Catalog;
using CloudMart.Lab;

namespace CloudMart.Testing;

/// <summary>
/// The real local system, started once for a test class or collection exactly as <c>cloudmart up</c>
/// starts it (through <see cref="LocalRun"/>), on free ports and in a scratch state folder, so it runs
/// beside a developer's own <c>./cloudmart up</c> and beside the other test projects. Every process
/// is stopped and the folder removed on dispose. Each test project keeps its own range of port
/// offsets (<see cref="PortOffsets"/>) so that projects running at the same time do not race for one.
/// </summary>
public abstract class LocalSystem : IAsyncLifetime
{
    readonly TempFolder _state = new();

    public RunningLab Lab { get; private set; } = null!;

    public Uri Gateway => Lab.GatewayUrl;

    public string StateDirectory => _state.Path;

    public HttpClient Http { get; } = new(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = 64 }) { Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>Candidate port offsets, tried in order until all of a run's ports are free; a project's own range where it runs several systems at once.</summary>
    protected virtual IEnumerable<int> PortOffsets => Offsets(10_000, 40, 250, 200); // the range of TestMachine.FreePorts

    /// <summary>Changes to the healthy variables, by service: how a fault is put in. None by default.</summary>
    protected virtual IReadOnlyDictionary<string, IReadOnlyDictionary<string, string?>> Overrides { get; } =
        new Dictionary<string, IReadOnlyDictionary<string, string?>>();

    /// <summary>Where the run keeps its record and logs: the state folder itself, or a named run inside it.</summary>
    protected virtual string RunFolder => _state.Path;

    public async Task InitializeAsync()
    {
        Lab = await LocalRun.StartAsync(await ConfigureAsync(RunOptions(RunFolder, ChoosePorts(), Overrides)));
        await StartedAsync();
    }

    /// <summary>The run's ports: the first of <see cref="PortOffsets"/> whose ports are all free.</summary>
    protected virtual LabPorts ChoosePorts() => LabPorts.FirstFree(PortOffsets);

    /// <summary>What a subclass adds to the run's options (lab faults, the observe stack) before it starts.</summary>
    protected virtual Task<LocalRunOptions> ConfigureAsync(LocalRunOptions options) => Task.FromResult(options);

    /// <summary>The options of a run as <c>up</c> starts it, with this build of the services and this machine's nginx.</summary>
    public static LocalRunOptions RunOptions(string runFolder, LabPorts ports,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string?>>? overrides = null, LabFaultSelection? faults = null) => new()
        {
            Layout = new LabLayout(TestMachine.RepositoryRoot, runFolder),
            Ports = ports,
            Binaries = ServiceBinaries.Build(TestMachine.Configuration),
            NginxPath = TestMachine.NginxPath,
            StartTimeout = TimeSpan.FromSeconds(120),
            VariableOverrides = overrides ?? new Dictionary<string, IReadOnlyDictionary<string, string?>>(),
            Faults = faults ?? LabFaultSelection.None,
        };

    /// <summary>One run on the first of <paramref name="offsets"/> whose ports are all free.</summary>
    public static Task<RunningLab> StartRunAsync(string runFolder, IEnumerable<int> offsets,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string?>>? overrides = null, LabFaultSelection? faults = null) =>
        LocalRun.StartAsync(RunOptions(runFolder, LabPorts.FirstFree(offsets), overrides, faults));

    /// <summary>What a subclass starts beside the system (a browser, Prometheus), once it is healthy.</summary>
    protected virtual Task StartedAsync() => Task.CompletedTask;

    /// <summary>What a subclass stops before the system goes down.</summary>
    protected virtual Task StoppingAsync() => Task.CompletedTask;

    /// <summary>Candidate offsets: <paramref name="count"/> steps of <paramref name="step"/> from <paramref name="first"/>, each moved by a random amount below <paramref name="jitter"/>.</summary>
    public static IEnumerable<int> Offsets(int first, int count, int step, int jitter) =>
        Enumerable.Range(0, count).Select(i => first + step * i + Random.Shared.Next(0, jitter));

    /// <summary>One service's variable changes, in the shape <see cref="Overrides"/> takes.</summary>
    protected static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string?>> Override(ServiceSpec service, string variable, string? value) =>
        new Dictionary<string, IReadOnlyDictionary<string, string?>>
        {
            [service.Name] = new Dictionary<string, string?> { [variable] = value },
        };

    public async Task DisposeAsync()
    {
        await StoppingAsync();
        if (Lab is not null)
        {
            await Lab.StopAsync();
        }
        Http.Dispose();
        _state.Dispose();
    }
}
