namespace CloudMart.Storefront.Tests;

/// <summary>
/// The incident as a customer sees it: the database-service is gone (its process killed), and the
/// storefront must say so clearly, within the 2 s SLA, with a trace id the logs hold.
/// </summary>
public sealed class BackendFailureTests(FailingStorefrontSystem system, ITestOutputHelper output) : IClassFixture<FailingStorefrontSystem>
{
    static readonly TimeSpan Sla = TimeSpan.FromSeconds(2);

    public static TheoryData<int, int> Screens => ShoppingTests.Screens;

    [Theory]
    [MemberData(nameof(Screens))]
    public async Task With_the_database_service_down_checkout_shows_a_clear_message_within_the_sla_with_a_trace_id_that_is_in_the_logs(int width, int height)
    {
        var shop = await system.OpenShopAsync(width, height);
        await shop.AddToCartAsync("Clarity 27\" 4K monitor");
        await shop.AddToCartAsync("Tactile mechanical keyboard");
        await StopDatabaseAsync();

        var clock = Stopwatch.StartNew();
        await shop.PlaceOrderAsync();
        await Assertions.Expect(shop.CheckoutError).ToBeVisibleAsync(new() { Timeout = 10_000 });
        var shownAfter = clock.Elapsed;
        output.WriteLine($"{shop.Size}: error shown {shownAfter.TotalMilliseconds:0} ms after the click");

        Assert.True(shownAfter < Sla, $"the error took {shownAfter.TotalMilliseconds:0} ms to show");
        await Assertions.Expect(shop.CheckoutError).ToContainTextAsync("Sorry, we could not place your order");
        await Assertions.Expect(shop.CheckoutError).ToContainTextAsync("your cart is kept");
        await Assertions.Expect(shop.CheckoutError).ToContainTextAsync("HTTP 502");
        await Assertions.Expect(shop.CartLines).ToHaveCountAsync(2);
        await Assertions.Expect(shop.Page.GetByRole(AriaRole.Button, new() { Name = "Place order" })).ToBeEnabledAsync();
        var traceId = await ShopPage.TraceIdIn(shop.CheckoutError);
        await shop.ScrollToAsync("cart");
        await shop.ScreenshotAsync("6-error");

        var logged = await FindTraceAsync(traceId, [ServiceCatalog.Order.Name, ServiceCatalog.Api.Name]);
        output.WriteLine($"trace {traceId} found in {string.Join(", ", logged)}");
        Assert.NotEmpty(logged);
        Assert.Contains(ServiceCatalog.Gateway.Name, await FindTraceAsync(traceId, [ServiceCatalog.Gateway.Name]));
    }

    [Fact]
    public async Task Axe_finds_no_accessibility_violations_on_the_error_state()
    {
        var shop = await system.OpenShopAsync(390, 844);
        await shop.AddToCartAsync("Glide wireless mouse");
        await StopDatabaseAsync();
        await shop.PlaceOrderAsync();
        await Assertions.Expect(shop.CheckoutError).ToBeVisibleAsync(new() { Timeout = 10_000 });

        await shop.AssertNoAccessibilityViolationsAsync(output);
    }

    /// <summary>
    /// Kills the database-service, as the incident does to a shop that has been serving orders: one
    /// order goes through first, so the failure is measured on warm code paths, not on the first
    /// request a fresh process compiles.
    /// </summary>
    async Task StopDatabaseAsync()
    {
        var database = system.Lab[ServiceCatalog.Database.Name].Process;
        if (database.HasExited)
        {
            return;
        }
        using (var warmUp = await system.Http.PostAsync(new Uri(system.Gateway, "/api/orders"),
            new StringContent("{\"item\": \"laptop\", \"quantity\": 1}", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, warmUp.StatusCode);
        }
        using (var process = Process.GetProcessById(database.Pid))
        {
            process.Kill();
        }
        Assert.True(database.Exited.Wait(TimeSpan.FromSeconds(10)), "the database-service did not exit after a kill");
    }

    /// <summary>The components whose log has a line with the trace id; logs reach the file a moment after the response.</summary>
    async Task<IReadOnlyList<string>> FindTraceAsync(string traceId, string[] components)
    {
        var clock = Stopwatch.StartNew();
        List<string> found = [];
        while (clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            found = components.Where(c => ChildProcess.Tail(system.Lab[c].LogFile, 5_000)
                .Contains($"\"trace_id\":\"{traceId}\"", StringComparison.Ordinal)).ToList();
            if (found.Count > 0)
            {
                return found;
            }
            await Task.Delay(100);
        }
        return found;
    }
}
