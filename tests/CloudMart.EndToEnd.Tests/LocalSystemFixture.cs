using CloudMart.Catalog;
using CloudMart.Lab;

namespace CloudMart.EndToEnd.Tests;

/// <summary>
/// CloudMart started once for the test class, exactly as <c>cloudmart up</c> starts it (through
/// <see cref="LocalRun"/>), but on a free range of ports and in a scratch state folder, so it
/// runs beside a developer's own <c>./cloudmart up</c>. Stopped, every process, on dispose.
/// </summary>
public sealed class LocalSystemFixture : IAsyncLifetime
{
#if DEBUG
    internal const string Configuration = "Debug";
#else
    internal const string Configuration = "Release";
#endif

    readonly string _state = Directory.CreateTempSubdirectory("cloudmart-e2e-").FullName;

    public RunningLab Lab { get; private set; } = null!;

    public HttpClient Http { get; } = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };

    public Uri Gateway => Lab.GatewayUrl;

    public async Task InitializeAsync()
    {
        var nginx = new NginxSetup().Find() ?? throw new InvalidOperationException("nginx is not installed; " + NginxSetup.InstallHint);
        // Offsets from 20000 up: clear of the defaults (3000-3004, 8080), of the CLI tests' range
        // and of the kernel's ephemeral ports (32768 and up).
        var ports = LabPorts.FirstFree(Enumerable.Range(0, 20).Select(i => 20_000 + 500 * i + Random.Shared.Next(0, 400)));
        Lab = await LocalRun.StartAsync(new LocalRunOptions
        {
            Layout = new LabLayout(LabRepository.Find(AppContext.BaseDirectory).Root, _state),
            Ports = ports,
            Binaries = ServiceBinaries.Build(Configuration),
            NginxPath = nginx,
            StartTimeout = TimeSpan.FromSeconds(90),
        });
    }

    public async Task DisposeAsync()
    {
        if (Lab is not null)
        {
            await Lab.StopAsync();
        }
        Http.Dispose();
        try
        {
            Directory.Delete(_state, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
