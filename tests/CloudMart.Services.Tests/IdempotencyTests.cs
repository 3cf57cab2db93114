using CloudMart.DatabaseService.Storage;
using CloudMart.ServiceDefaults.Contracts;
using CloudMart.ServiceDefaults.Http;
using Microsoft.Extensions.Time.Testing;
using static CloudMart.Services.Tests.TestHttp;

namespace CloudMart.Services.Tests;

/// <summary>Checkout with an <c>Idempotency-Key</c> through the real chain, and the store-once rule under it.</summary>
public sealed class IdempotencyTests : IDisposable
{
    // The order-service's window clock: still unless a test moves it.
    readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
    readonly ServiceChain _chain;

    public IdempotencyTests() => _chain = new(_clock);

    async Task<HttpResponseMessage> CheckoutAsync(string? key, string item = "laptop", int quantity = 1)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = JsonContent.Create(new { item, quantity }) };
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation(IdempotencyKey.Header, key);
        }
        return await _chain.Api.CreateClient().SendAsync(request);
    }

    [Fact]
    public async Task The_same_key_and_body_three_times_store_and_notify_one_order_and_answer_the_first_result()
    {
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var response = await CheckoutAsync("5f0c7a1e-key-a");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            ids.Add((await ReadJsonAsync(response)).GetProperty("order").GetProperty("id").GetString()!);
        }

        Assert.Single(ids.Distinct());
        Assert.Equal([ids[0]], await _chain.StoredOrderIdsAsync());
        Assert.Equal([ids[0]], await _chain.NotifiedOrderIdsAsync());
    }

    static async Task<string> OrderIdAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await ReadJsonAsync(response)).GetProperty("order").GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task A_key_answers_with_the_first_order_for_exactly_24_hours_and_then_makes_a_new_one()
    {
        var first = await OrderIdAsync(await CheckoutAsync("key-window"));

        _clock.Advance(IdempotencyKey.Window - TimeSpan.FromSeconds(1));
        Assert.Equal(first, await OrderIdAsync(await CheckoutAsync("key-window")));
        // Inside the window a different body is still refused.
        await AssertProblemAsync(await CheckoutAsync("key-window", item: "mouse"), HttpStatusCode.UnprocessableEntity);

        _clock.Advance(TimeSpan.FromSeconds(1));
        var second = await OrderIdAsync(await CheckoutAsync("key-window"));
        Assert.NotEqual(first, second);
        // The new order opens a window of its own: a retry now answers with it, not a third order.
        _clock.Advance(TimeSpan.FromHours(23));
        Assert.Equal(second, await OrderIdAsync(await CheckoutAsync("key-window")));

        Assert.Equal([second, first], await _chain.StoredOrderIdsAsync());
        Assert.Equal([second, first], await _chain.NotifiedOrderIdsAsync());
    }

    [Fact]
    public async Task After_24_hours_the_key_is_free_for_a_different_order_and_the_first_one_is_kept()
    {
        var first = await OrderIdAsync(await CheckoutAsync("key-free", item: "laptop"));

        _clock.Advance(IdempotencyKey.Window);
        var second = await OrderIdAsync(await CheckoutAsync("key-free", item: "mouse", quantity: 2));

        Assert.NotEqual(first, second);
        var kept = await _chain.Database.CreateClient().GetFromJsonAsync<Order>($"/orders/{first}");
        Assert.Equal(("laptop", 1), (kept!.Item, kept.Quantity));
        var made = await _chain.Database.CreateClient().GetFromJsonAsync<Order>($"/orders/{second}");
        Assert.Equal(("mouse", 2), (made!.Item, made.Quantity));
    }

    [Fact]
    public async Task The_same_key_with_a_different_body_is_a_422_problem_and_changes_nothing()
    {
        Assert.Equal(HttpStatusCode.OK, (await CheckoutAsync("key-b", item: "laptop")).StatusCode);

        var problem = await AssertProblemAsync(await CheckoutAsync("key-b", item: "mouse"), HttpStatusCode.UnprocessableEntity);
        Assert.Contains(IdempotencyKey.Header, Detail(problem));
        await AssertProblemAsync(await CheckoutAsync("key-b", item: "laptop", quantity: 2), HttpStatusCode.UnprocessableEntity);

        var stored = Assert.Single(await _chain.StoredOrderIdsAsync());
        var order = await _chain.Database.CreateClient().GetFromJsonAsync<Order>($"/orders/{stored}");
        Assert.Equal(("laptop", 1), (order!.Item, order.Quantity));
    }

    [Fact]
    public async Task Without_a_key_or_with_different_keys_every_checkout_is_a_new_order()
    {
        await CheckoutAsync(null);
        await CheckoutAsync(null);
        await CheckoutAsync("key-c1");
        await CheckoutAsync("key-c2");

        Assert.Equal(4, (await _chain.StoredOrderIdsAsync()).Distinct().Count());
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("caf\u00e9")]
    public async Task A_malformed_key_is_a_400_problem_and_stores_nothing(string key)
    {
        await AssertProblemAsync(await CheckoutAsync(key), HttpStatusCode.BadRequest);
        Assert.Empty(await _chain.StoredOrderIdsAsync());
    }

    [Fact]
    public async Task A_key_longer_than_the_limit_is_a_400_problem()
    {
        await AssertProblemAsync(await CheckoutAsync(new string('k', IdempotencyKey.MaxLength + 1)), HttpStatusCode.BadRequest);
        Assert.Empty(await _chain.StoredOrderIdsAsync());
    }

    [Fact]
    public async Task A_store_replayed_with_a_different_payload_is_a_409_and_with_the_same_one_the_first_row()
    {
        var database = _chain.Database.CreateClient();
        var first = new { id = "o-replay", item = "laptop", quantity = 1, timestamp = "2026-11-24T07:00:00Z", customer = "alice" };
        Assert.Equal(HttpStatusCode.Created, (await database.PostAsJsonAsync("/store", first)).StatusCode);

        var sameLater = await database.PostAsJsonAsync("/store", first with { timestamp = "2026-11-24T07:00:09Z" });
        Assert.Equal(HttpStatusCode.OK, sameLater.StatusCode);
        Assert.Equal(DateTimeOffset.Parse("2026-11-24T07:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
            (await ReadJsonAsync(sameLater)).GetProperty("order").GetProperty("timestamp").GetDateTimeOffset());

        await AssertProblemAsync(await database.PostAsJsonAsync("/store", first with { quantity = 2 }), HttpStatusCode.Conflict);
        await AssertProblemAsync(await database.PostAsJsonAsync("/store", first with { customer = "mallory" }), HttpStatusCode.Conflict);
        Assert.Equal(["o-replay"], await _chain.StoredOrderIdsAsync());
    }

    [Fact]
    public void Order_ids_from_keys_are_stable_per_customer_and_key_and_valid()
    {
        var id = IdempotencyKey.OrderId("alice", "k1");

        Assert.Equal(id, IdempotencyKey.OrderId("alice", "k1"));
        Assert.NotEqual(id, IdempotencyKey.OrderId("bob", "k1"));
        Assert.NotEqual(id, IdempotencyKey.OrderId(null, "k1"));
        Assert.NotEqual(IdempotencyKey.OrderId("a", "b|c"), IdempotencyKey.OrderId("a|b", "c"));
        Assert.Null(OrderRules.Check(new Order(id, "laptop", 1, DateTimeOffset.UtcNow)));
    }

    [Fact]
    public async Task A_store_abandoned_before_the_writer_takes_it_is_never_written()
    {
        var folder = Directory.CreateTempSubdirectory("cloudmart-abandon-").FullName;
        try
        {
            using (var store = new OrderStore(Path.Combine(folder, "orders.db")))
            {
                using var gaveUp = new CancellationTokenSource();
                await gaveUp.CancelAsync();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                    store.StoreAsync(new Order("o-abandoned", "laptop", 1, DateTimeOffset.UtcNow), gaveUp.Token));

                var kept = await store.StoreAsync(new Order("o-kept", "laptop", 1, DateTimeOffset.UtcNow), CancellationToken.None);
                Assert.True(kept.Created);
                Assert.Null(store.Find("o-abandoned"));
                Assert.Equal(1, store.Count());
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public void Dispose() => _chain.Dispose();
}
