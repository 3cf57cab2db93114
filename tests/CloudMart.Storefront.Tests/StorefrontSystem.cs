namespace CloudMart.Storefront.Tests;

/// <summary>
/// CloudMart started as <c>cloudmart up</c> starts it (through <see cref="LocalRun"/>, on free ports,
/// in a scratch state folder) and one headless Chromium from the system's packages, driven by
/// Playwright. Both are stopped on dispose.
/// </summary>
public class StorefrontSystem : LocalSystem
{
    HeadlessChromium? _chromium;

    public IBrowser Browser { get; private set; } = null!;

    // Offsets from 21250 up, beside the observability tests' range and clear of ephemeral ports.
    protected override IEnumerable<int> PortOffsets => Offsets(21_250, 20, 500, 200);

    protected override async Task StartedAsync()
    {
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

    protected override async Task StoppingAsync()
    {
        if (_chromium is not null)
        {
            await _chromium.DisposeAsync();
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
