namespace CloudMart.Storefront.Tests;

/// <summary>A customer's visit on the healthy system, in a phone-sized and a desktop window.</summary>
[Collection(HealthySystem.Name)]
public sealed class ShoppingTests(StorefrontSystem system, ITestOutputHelper output)
{
    public static TheoryData<int, int> Screens => new() { { 390, 844 }, { 1280, 800 } };

    [Theory]
    [MemberData(nameof(Screens))]
    public async Task A_guest_adds_two_items_keeps_them_across_a_reload_checks_out_and_sees_the_order_ids(int width, int height)
    {
        var shop = await system.OpenShopAsync(width, height);
        await Assertions.Expect(shop.Products).ToHaveCountAsync(8);
        await Assertions.Expect(shop.Products.First).ToContainTextAsync("$1,199.00");
        await Assertions.Expect(shop.Page.GetByRole(AriaRole.Button, new() { Name = "Sold out: Commuter laptop backpack" })).ToBeDisabledAsync();
        await shop.ScreenshotAsync("1-storefront");

        await shop.AddToCartAsync("Aurora 14 laptop");
        await shop.AddToCartAsync("Glide wireless mouse");
        await shop.AddToCartAsync("Glide wireless mouse");
        await shop.Page.ReloadAsync();
        await Assertions.Expect(shop.CartLines).ToHaveCountAsync(2);
        await Assertions.Expect(shop.Page.GetByLabel("Quantity of Glide wireless mouse")).ToHaveValueAsync("2");
        await Assertions.Expect(shop.Page.Locator("#cart-total-amount")).ToHaveTextAsync("$1,297.00");
        await Assertions.Expect(shop.Page.Locator("#cart-count")).ToHaveTextAsync("3");
        await shop.ScrollToAsync("cart");
        await shop.ScreenshotAsync("2-cart");

        var clock = Stopwatch.StartNew();
        await shop.PlaceOrderAsync();
        var ids = await shop.ConfirmedOrderIdsAsync();
        output.WriteLine($"{shop.Size}: checkout of two lines confirmed after {clock.ElapsedMilliseconds} ms: {string.Join(", ", ids)}");
        Assert.Equal(2, ids.Count);
        await Assertions.Expect(shop.Confirmation).ToContainTextAsync("1 × Aurora 14 laptop");
        await Assertions.Expect(shop.Confirmation).ToContainTextAsync("2 × Glide wireless mouse");
        Assert.Matches("^[0-9a-f]{32}$", await ShopPage.TraceIdIn(shop.Page.Locator("#confirmation-trace")));
        await Assertions.Expect(shop.CartLines).ToHaveCountAsync(0);
        await shop.ScrollToAsync("confirmation");
        await shop.ScreenshotAsync("3-confirmation");

        var stored = await StoredOrdersAsync();
        Assert.All(ids, id => Assert.Equal("guest", stored[id].Customer));
        Assert.Equal(("laptop", 1), (stored[ids[0]].Item, stored[ids[0]].Quantity));
        Assert.Equal(("mouse", 2), (stored[ids[1]].Item, stored[ids[1]].Quantity));
        Assert.Empty(shop.ConsoleProblems);
    }

    [Theory]
    [MemberData(nameof(Screens))]
    public async Task A_signed_in_customer_orders_and_sees_it_in_their_recent_orders_and_a_reload_keeps_them_signed_in(int width, int height)
    {
        // A regular per screen, unused by the other tests, so the history starts empty.
        var customer = CloudMart.Catalog.DemoAccounts.RegularName(width < 800 ? 39 : 40);
        var shop = await system.OpenShopAsync(width, height);
        await shop.SignInAsync(customer, CloudMart.Catalog.DemoAccounts.RegularPassword);
        await Assertions.Expect(shop.Page.Locator("#history-status")).ToHaveTextAsync("No orders yet.");

        await shop.AddToCartAsync("Hush noise-cancelling headphones");
        await shop.PlaceOrderAsync();
        var id = Assert.Single(await shop.ConfirmedOrderIdsAsync());

        await shop.Page.ReloadAsync();
        await Assertions.Expect(shop.Page.Locator("#customer-name")).ToHaveTextAsync(customer);
        await Assertions.Expect(shop.History).ToHaveCountAsync(1);
        await Assertions.Expect(shop.History.First).ToContainTextAsync("1 × Hush noise-cancelling headphones");
        await Assertions.Expect(shop.History.First).ToContainTextAsync(id);
        await shop.ScrollToAsync("account");
        await shop.ScreenshotAsync("4-history");

        Assert.Equal(customer, (await StoredOrdersAsync())[id].Customer);
        Assert.Empty(shop.ConsoleProblems);
    }

    [Fact]
    public async Task Keyboard_only_a_customer_reaches_a_product_adds_it_and_places_the_order_with_the_focus_always_visible()
    {
        var shop = await system.OpenShopAsync(1280, 800);
        var keyboard = shop.Page.Keyboard;

        await keyboard.PressAsync("Tab");
        Assert.Equal("Skip to the products", await FocusedTextAsync(shop.Page));
        Assert.True(await FocusOutlineAsync(shop.Page) > 0, "the skip link has no visible focus outline");

        var reached = false;
        for (var i = 0; i < 15 && !reached; i++)
        {
            await keyboard.PressAsync("Tab");
            reached = await FocusedTextAsync(shop.Page) == "Add to cart";
        }
        Assert.True(reached, "Tab never reached an 'Add to cart' button");
        Assert.True(await FocusOutlineAsync(shop.Page) > 0, "the focused button has no visible focus outline");
        await keyboard.PressAsync("Enter");
        await Assertions.Expect(shop.CartLines).ToHaveCountAsync(1);

        await shop.Page.GetByRole(AriaRole.Button, new() { Name = "Place order" }).FocusAsync();
        await keyboard.PressAsync("Enter");
        Assert.Single(await shop.ConfirmedOrderIdsAsync());
        Assert.Equal("confirmation", await shop.Page.EvaluateAsync<string>("() => document.activeElement.id"));
    }

    [Theory]
    [MemberData(nameof(Screens))]
    public async Task Axe_finds_no_accessibility_violations_on_the_storefront_with_a_cart_and_a_signed_in_customer(int width, int height)
    {
        var shop = await system.OpenShopAsync(width, height);
        await shop.AddToCartAsync("Tactile mechanical keyboard");
        await shop.SignInAsync(CloudMart.Catalog.DemoAccounts.Alice.Username, CloudMart.Catalog.DemoAccounts.Alice.Password);

        await shop.AssertNoAccessibilityViolationsAsync(output);
    }

    [Fact]
    public async Task A_slow_answer_shows_still_working_after_a_second_and_the_order_then_completes()
    {
        var shop = await system.OpenShopAsync(390, 844);
        // Holds each order 1.8 s in the browser before it goes out to the real gateway.
        await shop.Page.RouteAsync("**/api/orders", async route =>
        {
            await Task.Delay(1800);
            await route.ContinueAsync();
        });
        await shop.AddToCartAsync("Studio HD webcam");

        await shop.PlaceOrderAsync();

        await Assertions.Expect(shop.Page.GetByRole(AriaRole.Button, new() { Name = "Placing your order…" })).ToBeVisibleAsync();
        await Assertions.Expect(shop.Page.Locator("#checkout-working")).ToContainTextAsync("Still working", new() { Timeout = 1700 });
        await shop.ScreenshotAsync("5-still-working");
        Assert.Single(await shop.ConfirmedOrderIdsAsync());
        await Assertions.Expect(shop.Page.Locator("#checkout-working")).ToBeEmptyAsync();
    }

    [Fact]
    public async Task An_answer_that_never_comes_ends_in_a_timeout_message_with_a_trace_id_and_a_retry_reuses_the_idempotency_key()
    {
        var shop = await system.OpenShopAsync(1280, 800);
        var keys = new List<string>();
        var hold = true;
        await shop.Page.RouteAsync("**/api/orders", async route =>
        {
            keys.Add(route.Request.Headers["idempotency-key"]);
            if (hold)
            {
                // Never answered: the page's own timeout must end the wait (the route dies with the page).
                return;
            }
            await route.ContinueAsync();
        });
        await shop.AddToCartAsync("7-in-1 USB-C hub");

        var clock = Stopwatch.StartNew();
        await shop.PlaceOrderAsync();
        await Assertions.Expect(shop.CheckoutError).ToContainTextAsync("taking too long", new() { Timeout = 13_000 });
        output.WriteLine($"timeout message after {clock.ElapsedMilliseconds} ms");
        Assert.InRange(clock.ElapsedMilliseconds, 9_500, 13_000);
        Assert.Matches("^[0-9a-f]{32}$", await ShopPage.TraceIdIn(shop.CheckoutError));
        await Assertions.Expect(shop.CartLines).ToHaveCountAsync(1);

        hold = false;
        await shop.PlaceOrderAsync();
        Assert.Single(await shop.ConfirmedOrderIdsAsync());
        Assert.Equal(2, keys.Count);
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", keys[0]);
        Assert.Equal(keys[0], keys[1]);
    }

    static async Task<string> FocusedTextAsync(IPage page) =>
        (await page.EvaluateAsync<string>("() => document.activeElement?.innerText ?? ''")).Trim();

    static async Task<double> FocusOutlineAsync(IPage page) =>
        await page.EvaluateAsync<double>("() => { const s = getComputedStyle(document.activeElement); return s.outlineStyle === 'none' ? 0 : parseFloat(s.outlineWidth); }");

    async Task<Dictionary<string, (string Item, int Quantity, string? Customer)>> StoredOrdersAsync()
    {
        // What was stored, read from the database-service itself (the public listing is per customer).
        using var response = await system.Http.GetAsync(new Uri(system.Lab[CloudMart.Catalog.ServiceCatalog.Database.Name].Url, "/orders?limit=1000"));
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("orders").EnumerateArray().ToDictionary(
            o => o.GetProperty("id").GetString()!,
            o => (o.GetProperty("item").GetString()!, o.GetProperty("quantity").GetInt32(),
                o.TryGetProperty("customer", out var c) ? c.GetString() : null));
    }
}
