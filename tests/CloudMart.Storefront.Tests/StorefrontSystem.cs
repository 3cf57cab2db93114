using CloudMart.Catalog;
using CloudMart.Lab;
using CloudMart.Testing;
using Microsoft.Playwright;

namespace CloudMart.Storefront.Tests;

/// <summary>
/// CloudMart started as <c>cloudmart up</c> starts it (through <see cref="LocalRun"/>, on free ports,
/// in a scratch state folder) and one headless Chromium from the system's packages, driven by
/// Playwright. Both are stopped on dispose.
/// </summary>
public class StorefrontSystem : IAsyncLifetime
{
#if DEBUG
    const string Configuration = "Debug";
#else
    const string Configuration = "Release";
#endif

    readonly string _state = Directory.CreateTempSubdirectory("cloudmart-store-").FullName;
    HeadlessChromium? _chromium;

    public RunningLab Lab { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public Uri Gateway => Lab.GatewayUrl;

    public static string RepositoryRoot { get; } = LabRepository.Find(AppContext.BaseDirectory).Root;

    public HttpClient Http { get; } = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };

    public async Task InitializeAsync()
    {
        var nginx = new NginxSetup().Find() ?? throw new InvalidOperationException("nginx is not installed; " + NginxSetup.InstallHint);
        // Offsets from 21000 up, clear of the defaults, of the other test projects' ranges and of
        // the kernel's ephemeral ports (32768 and up).
        var ports = LabPorts.FirstFree(Enumerable.Range(0, 20).Select(i => 21_250 + 500 * i + Random.Shared.Next(0, 200)));
        Lab = await LocalRun.StartAsync(new LocalRunOptions
        {
            Layout = new LabLayout(RepositoryRoot, _state),
            Ports = ports,
            Binaries = ServiceBinaries.Build(Configuration),
            NginxPath = nginx,
            StartTimeout = TimeSpan.FromSeconds(90),
        });
        _chromium = await HeadlessChromium.LaunchAsync();
        Browser = _chromium.Browser;
    }

    /// <summary>A fresh browser context (its own storage) with one page at the given size, and the console's errors collected.</summary>
    public async Task<ShopPage> OpenShopAsync(int width, int height)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = height },
            BaseURL = Gateway.ToString(),
            Locale = "en-US",
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        var shop = new ShopPage(page, width, height);
        await shop.OpenAsync();
        return shop;
    }

    public async Task DisposeAsync()
    {
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
        }
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

/// <summary>One healthy system shared by the test classes that leave it healthy.</summary>
[CollectionDefinition(Name)]
public sealed class HealthySystem : ICollectionFixture<StorefrontSystem>
{
    public const string Name = "healthy storefront";
}

/// <summary>A second, separate system for the tests that break it (they stop the database-service).</summary>
public sealed class FailingStorefrontSystem : StorefrontSystem;
