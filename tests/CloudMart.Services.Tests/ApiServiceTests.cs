using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using CloudMart.AuthService.Tokens;
using static CloudMart.Services.Tests.TestHttp;

namespace CloudMart.Services.Tests;

/// <summary>The public API, through the whole chain of real services hosted in memory.</summary>
public sealed partial class ApiServiceTests(ServiceChain chain) : IClassFixture<ServiceChain>
{
    readonly HttpClient _client = chain.Api.CreateClient();

    [GeneratedRegex("^00-(?<trace>[0-9a-f]{32})-(?<span>[0-9a-f]{16})-[0-9a-f]{2}$")]
    private static partial Regex TraceParent();

    static HttpRequestMessage OrderRequest(string json, string? authorization = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = Json(json) };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
        return request;
    }

    async Task<string> TokenAsync(DemoAccount account)
    {
        var response = await _client.PostAsJsonAsync("/api/token", new { username = account.Username, password = account.Password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await ReadJsonAsync(response)).GetProperty("token").GetString()!;
    }

    /// <summary>Asserts that a refused order left no trace in the database or the notifications.</summary>
    async Task AssertNothingStoredAsync(Func<Task> act)
    {
        var stored = await chain.StoredOrderIdsAsync();
        var notified = await chain.NotifiedOrderIdsAsync();
        await act();
        Assert.Equal(stored, await chain.StoredOrderIdsAsync());
        Assert.Equal(notified, await chain.NotifiedOrderIdsAsync());
    }

    [Fact]
    public async Task The_guides_order_without_a_token_succeeds_and_is_stored_and_notified()
    {
        var before = DateTimeOffset.UtcNow;
        var response = await _client.SendAsync(OrderRequest("""{"item": "laptop", "quantity": 1}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await ReadJsonAsync(response);
        Assert.True(body.GetProperty("success").GetBoolean());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("message").GetString()));
        var order = body.GetProperty("order");
        var id = order.GetProperty("id").GetString()!;
        Assert.False(string.IsNullOrWhiteSpace(id));
        Assert.Equal("laptop", order.GetProperty("item").GetString());
        Assert.Equal(1, order.GetProperty("quantity").GetInt32());
        Assert.InRange(order.GetProperty("timestamp").GetDateTimeOffset(), before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal("guest", order.GetProperty("customer").GetString());

        var traceparent = Assert.Single(response.Headers.GetValues("traceparent"));
        var match = TraceParent().Match(traceparent);
        Assert.True(match.Success, $"traceparent '{traceparent}' is not W3C trace context");
        Assert.NotEqual(new string('0', 32), match.Groups["trace"].Value);

        Assert.Equal(id, (await chain.StoredOrderIdsAsync())[0]);
        Assert.Equal(id, (await chain.NotifiedOrderIdsAsync())[0]);
    }

    [Fact]
    public async Task Each_response_carries_its_own_trace_id()
    {
        var first = await _client.SendAsync(OrderRequest("""{"item": "laptop", "quantity": 1}"""));
        var second = await _client.GetAsync("/api/orders?limit=1");

        var firstTrace = TraceParent().Match(first.Headers.GetValues("traceparent").Single()).Groups["trace"].Value;
        var secondTrace = TraceParent().Match(second.Headers.GetValues("traceparent").Single()).Groups["trace"].Value;
        Assert.NotEqual(firstTrace, secondTrace);
    }

    [Fact]
    public async Task An_order_without_a_quantity_is_for_one_item()
    {
        var response = await _client.SendAsync(OrderRequest("""{"item": "test"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var order = (await ReadJsonAsync(response)).GetProperty("order");
        Assert.Equal(1, order.GetProperty("quantity").GetInt32());
        var stored = await chain.Database.CreateClient().GetFromJsonAsync<JsonElement>($"/orders/{order.GetProperty("id").GetString()}");
        Assert.Equal(1, stored.GetProperty("quantity").GetInt32());
    }

    public static TheoryData<string, string, HttpStatusCode> BadOrders => new()
    {
        { "malformed JSON", """{"item": "laptop", "quantity": """, HttpStatusCode.BadRequest },
        { "a JSON array", """[{"item": "laptop"}]""", HttpStatusCode.BadRequest },
        { "JSON null", "null", HttpStatusCode.BadRequest },
        { "missing item", """{"quantity": 1}""", HttpStatusCode.BadRequest },
        { "blank item", """{"item": "  ", "quantity": 1}""", HttpStatusCode.BadRequest },
        { "item too long", $$"""{"item": "{{new string('i', 101)}}", "quantity": 1}""", HttpStatusCode.BadRequest },
        { "quantity 0", """{"item": "laptop", "quantity": 0}""", HttpStatusCode.BadRequest },
        { "quantity 101", """{"item": "laptop", "quantity": 101}""", HttpStatusCode.BadRequest },
        { "quantity negative", """{"item": "laptop", "quantity": -3}""", HttpStatusCode.BadRequest },
        { "quantity a fraction", """{"item": "laptop", "quantity": 1.5}""", HttpStatusCode.BadRequest },
        { "quantity a word", """{"item": "laptop", "quantity": "one"}""", HttpStatusCode.BadRequest },
        { "quantity true", """{"item": "laptop", "quantity": true}""", HttpStatusCode.BadRequest },
        { "over 16 KiB", OversizedOrderJson(), HttpStatusCode.RequestEntityTooLarge },
    };

    [Theory]
    [MemberData(nameof(BadOrders))]
    public async Task A_bad_order_gets_a_problem_and_nothing_is_stored(string scenario, string json, HttpStatusCode status)
    {
        await AssertNothingStoredAsync(async () =>
        {
            var problem = await AssertProblemAsync(await _client.SendAsync(OrderRequest(json)), status);
            Assert.False(string.IsNullOrWhiteSpace(Detail(problem)), scenario);
        });
    }

    [Fact]
    public async Task An_order_sent_as_plain_text_is_an_unsupported_media_type_and_nothing_is_stored()
    {
        await AssertNothingStoredAsync(async () =>
        {
            var response = await _client.PostAsync("/api/orders", Text("""{"item": "laptop", "quantity": 1}"""));
            Assert.Contains("application/json", Detail(await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType)));
        });
    }

    [Fact]
    public async Task An_order_without_a_content_type_is_an_unsupported_media_type_and_nothing_is_stored()
    {
        await AssertNothingStoredAsync(async () =>
        {
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"item": "laptop", "quantity": 1}"""));
            await AssertProblemAsync(await _client.PostAsync("/api/orders", content), HttpStatusCode.UnsupportedMediaType);
        });
    }

    [Fact]
    public async Task An_order_over_16_ki_b_without_a_content_length_is_too_large_and_nothing_is_stored()
    {
        await AssertNothingStoredAsync(async () =>
            await AssertProblemAsync(await StreamingClient(chain.Api).PostAsync("/api/orders", new UnsizedContent(OversizedOrderJson())), HttpStatusCode.RequestEntityTooLarge));
    }

    [Fact]
    public async Task An_authorization_header_that_is_not_a_bearer_token_is_unauthorized_and_nothing_is_stored()
    {
        await AssertNothingStoredAsync(async () =>
        {
            var problem = await AssertProblemAsync(await _client.SendAsync(OrderRequest("""{"item": "laptop", "quantity": 1}""", "Basic x")), HttpStatusCode.Unauthorized);
            Assert.Contains("Bearer", Detail(problem));
        });
    }

    [Fact]
    public async Task A_token_from_the_api_places_an_order_for_that_customer()
    {
        var token = await TokenAsync(DemoAccounts.Alice);

        var response = await _client.SendAsync(OrderRequest("""{"item": "headphones", "quantity": 2}""", $"Bearer {token}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var order = (await ReadJsonAsync(response)).GetProperty("order");
        Assert.Equal("alice", order.GetProperty("customer").GetString());
        var stored = await chain.Database.CreateClient().GetFromJsonAsync<JsonElement>($"/orders/{order.GetProperty("id").GetString()}");
        Assert.Equal("alice", stored.GetProperty("customer").GetString());
        Assert.Equal(2, stored.GetProperty("quantity").GetInt32());
    }

    [Fact]
    public async Task A_customer_named_in_the_body_is_replaced_by_the_caller_identity()
    {
        var response = await _client.SendAsync(OrderRequest("""{"item": "laptop", "quantity": 1, "customer": "someone-else"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("guest", (await ReadJsonAsync(response)).GetProperty("order").GetProperty("customer").GetString());
    }

    [Fact]
    public async Task Asking_the_api_for_a_token_with_a_bad_username_is_a_bad_request()
    {
        await AssertProblemAsync(await _client.PostAsJsonAsync("/api/token", new { username = "not valid!", password = "x" }), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await _client.PostAsJsonAsync("/api/token", new { username = "alice" }), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await _client.PostAsync("/api/token", Text("alice")), HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task A_tampered_token_is_unauthorized_and_nothing_is_stored()
    {
        var token = await TokenAsync(DemoAccounts.Bob);
        var at = token.LastIndexOf('.') + 10;
        var tampered = token[..at] + (token[at] == 'A' ? 'B' : 'A') + token[(at + 1)..];

        await AssertNothingStoredAsync(async () =>
        {
            var problem = await AssertProblemAsync(await _client.SendAsync(OrderRequest("""{"item": "laptop", "quantity": 1}""", $"Bearer {tampered}")), HttpStatusCode.Unauthorized);
            Assert.Equal(AuthService.Apis.AuthApi.RefusedToken, Detail(problem));
        });
    }

    [Fact]
    public async Task An_expired_token_is_unauthorized_and_nothing_is_stored()
    {
        var (expired, _) = new TokenService(Encoding.UTF8.GetBytes(ServiceChain.SigningKey), TimeSpan.FromMinutes(ServiceChain.TokenLifetimeMinutes),
            new FixedClock(DateTimeOffset.UtcNow.AddHours(-3))).Issue(DemoAccounts.Bob.Username);

        await AssertNothingStoredAsync(async () =>
        {
            var problem = await AssertProblemAsync(await _client.SendAsync(OrderRequest("""{"item": "laptop", "quantity": 1}""", $"Bearer {expired}")), HttpStatusCode.Unauthorized);
            Assert.Equal(AuthService.Apis.AuthApi.RefusedToken, Detail(problem));
        });
    }

    async Task<JsonElement> ListAsync(string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ReadJsonAsync(response);
    }

    async Task<string> PlaceAsync(string item, string? token)
    {
        var response = await _client.SendAsync(OrderRequest($$"""{"item": "{{item}}", "quantity": 1}""", token is null ? null : $"Bearer {token}"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await ReadJsonAsync(response)).GetProperty("order").GetProperty("id").GetString()!;
    }

    static List<string> Ids(JsonElement list) =>
        [.. list.GetProperty("orders").EnumerateArray().Select(o => o.GetProperty("id").GetString()!)];

    [Fact]
    public async Task An_admin_lists_every_customers_orders_newest_first()
    {
        var alice = await TokenAsync(DemoAccounts.Alice);
        var ids = new List<string> { await PlaceAsync("list-a", null), await PlaceAsync("list-b", alice), await PlaceAsync("list-c", null) };

        var list = await ListAsync("/api/orders", await TokenAsync(DemoAccounts.Trainer));

        var listed = Ids(list);
        Assert.Equal(listed.Count, list.GetProperty("count").GetInt32());
        Assert.Equal(Enumerable.Reverse(ids), listed.Take(3));
        Assert.Equal("list-c", list.GetProperty("orders")[0].GetProperty("item").GetString());
    }

    [Fact]
    public async Task A_customer_lists_only_their_own_orders()
    {
        var alice = await TokenAsync(DemoAccounts.Alice);
        var bob = await TokenAsync(DemoAccounts.Bob);
        var alices = new[] { await PlaceAsync("mine-1", alice), await PlaceAsync("mine-2", alice) };
        var bobs = await PlaceAsync("theirs", bob);
        var guests = await PlaceAsync("guests", null);

        var aliceList = await ListAsync("/api/orders?limit=1000", alice);
        var bobList = await ListAsync("/api/orders?limit=1000", bob);

        Assert.All(aliceList.GetProperty("orders").EnumerateArray(), o => Assert.Equal("alice", o.GetProperty("customer").GetString()));
        Assert.Equal(Enumerable.Reverse(alices), Ids(aliceList).Take(2));
        Assert.DoesNotContain(bobs, Ids(aliceList));
        Assert.DoesNotContain(guests, Ids(aliceList));
        Assert.All(bobList.GetProperty("orders").EnumerateArray(), o => Assert.Equal("bob", o.GetProperty("customer").GetString()));
        Assert.Contains(bobs, Ids(bobList));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Basic YWxpY2U6YWxpY2Utc2hvcHM=")]
    [InlineData("Bearer ")]
    [InlineData("Bearer not-a-token")]
    public async Task Listing_orders_without_a_valid_token_is_unauthorized(string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/orders?limit=1000");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
        await AssertProblemAsync(await _client.SendAsync(request), HttpStatusCode.Unauthorized);
    }

    [Theory]
    [MemberData(nameof(WrongSignIns.Cases), MemberType = typeof(WrongSignIns))]
    public async Task A_sign_in_with_a_wrong_username_or_password_is_unauthorized_with_one_answer(string username, string password)
    {
        var problem = await AssertProblemAsync(await _client.PostAsJsonAsync("/api/token", new { username, password }), HttpStatusCode.Unauthorized);
        Assert.Equal(AuthService.Apis.AuthApi.FailedSignIn, Detail(problem));
    }

    [Fact]
    public async Task Listing_orders_with_a_bad_limit_is_a_bad_request()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/orders?limit=5000");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(DemoAccounts.Trainer));
        await AssertProblemAsync(await _client.SendAsync(request), HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("/api/orders?limit=abc", HttpStatusCode.BadRequest)]
    [InlineData("/api/nothing-here", HttpStatusCode.NotFound)]
    public async Task Requests_refused_before_reaching_a_handler_still_get_a_problem(string path, HttpStatusCode status)
    {
        await AssertProblemAsync(await _client.GetAsync(path), status);
    }

    [Fact]
    public async Task Health_names_the_service()
    {
        var health = await _client.GetFromJsonAsync<JsonElement>("/health");
        Assert.Equal("api-service", health.GetProperty("service").GetString());
    }

    [Fact]
    public async Task Metrics_show_request_durations_and_outgoing_calls_by_dependency()
    {
        (await _client.SendAsync(OrderRequest("""{"item": "laptop", "quantity": 1}"""))).EnsureSuccessStatusCode();

        var text = await _client.GetStringAsync("/metrics");

        Assert.Matches("http_server_request_duration_seconds_count\\{[^}]*http_route=\"/api/orders\"", text);
        Assert.Matches("cloudmart_dependency_calls_total\\{[^}]*dependency=\"order-service\"[^}]*outcome=\"success\"", text);
    }
}
