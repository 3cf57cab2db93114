using System.Text.RegularExpressions;

namespace CloudMart.Storefront.Tests;

/// <summary>The storefront in one browser page, with the steps a customer takes and the checks the tests share.</summary>
public sealed partial class ShopPage(IPage page, int width, int height)
{
    readonly List<string> _consoleProblems = [];

    public IPage Page { get; } = page;

    public string Size => $"{width}x{height}";

    /// <summary>Errors and CSP refusals the page logged; a healthy page logs none that are its own.</summary>
    public IReadOnlyList<string> ConsoleProblems => _consoleProblems;

    public ILocator Products => Page.Locator("#products > li");

    public ILocator CartLines => Page.Locator("#cart-lines > li");

    public ILocator CheckoutError => Page.Locator("#checkout-error");

    public ILocator Confirmation => Page.Locator("#confirmation");

    public ILocator History => Page.Locator("#history > li");

    public async Task OpenAsync()
    {
        Page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                _consoleProblems.Add(message.Text);
            }
        };
        Page.PageError += (_, error) => _consoleProblems.Add("uncaught: " + error);
        var response = await Page.GotoAsync("/");
        Assert.NotNull(response);
        Assert.Equal(200, response.Status);
        await Assertions.Expect(Page.Locator("#products")).ToHaveAttributeAsync("aria-busy", "false");
    }

    public async Task AddToCartAsync(string productName) =>
        await Page.GetByRole(AriaRole.Button, new() { Name = $"Add to cart: {productName}", Exact = true }).ClickAsync();

    public async Task PlaceOrderAsync() =>
        await Page.GetByRole(AriaRole.Button, new() { Name = "Place order", Exact = true }).ClickAsync();

    public async Task SignInAsync(string username, string password)
    {
        await Page.GetByLabel("Username").FillAsync(username);
        await Page.GetByLabel("Password").FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Assertions.Expect(Page.Locator("#customer-name")).ToHaveTextAsync(username);
    }

    /// <summary>The order ids the confirmation lists.</summary>
    public async Task<IReadOnlyList<string>> ConfirmedOrderIdsAsync()
    {
        await Assertions.Expect(Confirmation).ToBeVisibleAsync();
        return await Page.Locator("#confirmed-orders code").AllInnerTextsAsync();
    }

    /// <summary>The trace id printed in a "trace &lt;id&gt;" reference inside the locator.</summary>
    public static async Task<string> TraceIdIn(ILocator locator)
    {
        var text = await locator.InnerTextAsync();
        var match = TraceReference().Match(text);
        Assert.True(match.Success, $"no 'trace <32 hex>' in: {text}");
        return match.Groups["id"].Value;
    }

    /// <summary>Brings the panel with this id to the top of the window (below the sticky header) unless it is already in full view, for a screenshot of it.</summary>
    public async Task ScrollToAsync(string id) =>
        await Page.EvaluateAsync("""
            id => {
              const panel = document.getElementById(id);
              const box = panel.getBoundingClientRect();
              if (box.top < 70 || box.bottom > innerHeight) panel.scrollIntoView({ block: 'start' });
            }
            """, id);

    public async Task ScreenshotAsync(string state)
    {
        var folder = Path.Combine(TestMachine.RepositoryRoot, "artifacts", "storefront");
        Directory.CreateDirectory(folder);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"{state}-{Size}.png"), FullPage = false });
    }

    /// <summary>Runs axe-core in the page, writes what it found to the test's output, and fails on any violation.</summary>
    public async Task AssertNoAccessibilityViolationsAsync(Xunit.Abstractions.ITestOutputHelper output)
    {
        var report = await AccessibilityCheckAsync();

        output.WriteLine($"axe-core {report.Version} at {Size}: {report.RulesPassed} rules passed, {report.Violations.Count} violated");
        foreach (var violation in report.Violations)
        {
            output.WriteLine(violation.ToString());
        }
        // A run that checked nearly nothing (the script not loaded, an empty page) must not pass.
        Assert.True(report.RulesPassed >= 20, $"axe-core passed only {report.RulesPassed} rules");
        Assert.Empty(report.Violations);
    }

    /// <summary>Runs axe-core (from the test-support folder's node_modules) in the page and returns its findings.</summary>
    public async Task<AxeReport> AccessibilityCheckAsync()
    {
        var axe = Path.Combine(TestMachine.RepositoryRoot, "tests", "CloudMart.Storefront.Tests", "test-support", "node_modules", "axe-core", "axe.min.js");
        Assert.True(File.Exists(axe), $"{axe} is missing: run 'npm ci' in tests/CloudMart.Storefront.Tests/test-support");
        // Evaluated through the DevTools protocol, which the page's CSP does not govern: the site
        // itself allows no inline script, and the test does not weaken that to inject the checker.
        await Page.EvaluateAsync(await File.ReadAllTextAsync(axe) + "\n;typeof axe");
        var json = await Page.EvaluateAsync<string>("""
            async () => {
              const r = await axe.run(document, { resultTypes: ['violations'] });
              return JSON.stringify({
                version: r.testEngine.version,
                rulesPassed: r.passes.length,
                violations: r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(' ')) })),
              });
            }
            """);
        return JsonSerializer.Deserialize<AxeReport>(json, JsonSerializerOptions.Web)!;
    }

    [GeneratedRegex(@"trace (?<id>[0-9a-f]{32})\b")]
    private static partial Regex TraceReference();
}

public sealed record AxeReport(string Version, int RulesPassed, IReadOnlyList<AxeViolation> Violations);

public sealed record AxeViolation(string Id, string? Impact, string Help, IReadOnlyList<string> Targets)
{
    public override string ToString() => $"{Impact} {Id}: {Help} ({string.Join(", ", Targets)})";
}
