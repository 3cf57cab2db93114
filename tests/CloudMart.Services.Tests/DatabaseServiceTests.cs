using static CloudMart.Services.Tests.TestHttp;

namespace CloudMart.Services.Tests;

public sealed class DatabaseServiceTests : IDisposable
{
    const string DbName = "test-db";

    readonly string _dataDir = Directory.CreateTempSubdirectory("cloudmart-db-").FullName;
    readonly List<IDisposable> _factories = [];

    ServiceFactory<DatabaseService.Program> Start(string? chaosRate = null)
    {
        var variables = new Dictionary<string, string?> { ["DB_NAME"] = DbName, ["DATA_DIR"] = _dataDir };
        if (chaosRate is not null)
        {
            variables["CHAOS_FAILURE_RATE"] = chaosRate;
        }
        var factory = new ServiceFactory<DatabaseService.Program>(variables);
        _factories.Add(factory);
        return factory;
    }

    static object NewOrder(string id, string item = "laptop", int quantity = 1) =>
        new { id, item, quantity, timestamp = "2026-11-24T07:00:00Z" };

    static async Task<int> CountAsync(HttpClient client)
    {
        var list = await client.GetFromJsonAsync<JsonElement>("/orders?limit=1000");
        var orders = list.GetProperty("orders");
        Assert.Equal(orders.GetArrayLength(), list.GetProperty("count").GetInt32());
        return orders.GetArrayLength();
    }

    [Fact]
    public async Task Store_new_order_is_created_and_written_to_the_named_file()
    {
        var client = Start().CreateClient();
        var response = await client.PostAsJsonAsync("/store", NewOrder("o-1"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await ReadJsonAsync(response);
        Assert.True(body.GetProperty("success").GetBoolean());
        Assert.True(body.GetProperty("created").GetBoolean());
        Assert.Equal("o-1", body.GetProperty("order").GetProperty("id").GetString());
        Assert.Equal("/orders/o-1", response.Headers.Location?.OriginalString);
        Assert.True(File.Exists(Path.Combine(_dataDir, DbName + ".db")));
    }

    [Fact]
    public async Task Storing_the_same_id_twice_keeps_one_order_and_reports_it_was_not_created()
    {
        var client = Start().CreateClient();
        var first = await client.PostAsJsonAsync("/store", NewOrder("o-dup", item: "laptop"));
        var second = await client.PostAsJsonAsync("/store", NewOrder("o-dup", item: "laptop"));
        var different = await client.PostAsJsonAsync("/store", NewOrder("o-dup", item: "phone"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var body = await ReadJsonAsync(second);
        Assert.False(body.GetProperty("created").GetBoolean());
        Assert.Equal("laptop", body.GetProperty("order").GetProperty("item").GetString());
        await AssertProblemAsync(different, HttpStatusCode.Conflict);
        Assert.Equal(1, await CountAsync(client));
    }

    [Fact]
    public async Task Listing_orders_gives_the_newest_first_and_honours_the_limit()
    {
        var client = Start().CreateClient();
        foreach (var id in new[] { "o-a", "o-b", "o-c" })
        {
            (await client.PostAsJsonAsync("/store", NewOrder(id))).EnsureSuccessStatusCode();
        }

        var all = await client.GetFromJsonAsync<JsonElement>("/orders");
        Assert.Equal(["o-c", "o-b", "o-a"], all.GetProperty("orders").EnumerateArray().Select(o => o.GetProperty("id").GetString()));
        Assert.Equal(3, all.GetProperty("count").GetInt32());

        var two = await client.GetFromJsonAsync<JsonElement>("/orders?limit=2");
        Assert.Equal(["o-c", "o-b"], two.GetProperty("orders").EnumerateArray().Select(o => o.GetProperty("id").GetString()));
        // count is this page; total is every order stored, so a client can tell there are more.
        Assert.Equal(2, two.GetProperty("count").GetInt32());
        Assert.Equal(3, two.GetProperty("total").GetInt64());
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    [InlineData("-5")]
    public async Task Listing_orders_with_a_limit_out_of_range_is_a_bad_request(string limit)
    {
        var client = Start().CreateClient();
        var problem = await AssertProblemAsync(await client.GetAsync($"/orders?limit={limit}"), HttpStatusCode.BadRequest);
        Assert.Contains("limit", Detail(problem));
    }

    [Fact]
    public async Task Listing_orders_with_a_limit_that_is_not_a_number_is_a_bad_request_problem()
    {
        var client = Start().CreateClient();
        await AssertProblemAsync(await client.GetAsync("/orders?limit=abc"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Getting_a_stored_order_by_id_returns_it()
    {
        var client = Start().CreateClient();
        (await client.PostAsJsonAsync("/store", new { id = "o-get", item = "desk", quantity = 3, timestamp = "2026-11-24T07:00:00Z", customer = "alice" }))
            .EnsureSuccessStatusCode();

        var response = await client.GetAsync("/orders/o-get");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var order = await ReadJsonAsync(response);
        Assert.Equal("o-get", order.GetProperty("id").GetString());
        Assert.Equal("desk", order.GetProperty("item").GetString());
        Assert.Equal(3, order.GetProperty("quantity").GetInt32());
        Assert.Equal("alice", order.GetProperty("customer").GetString());
        Assert.Equal(DateTimeOffset.Parse("2026-11-24T07:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
            order.GetProperty("timestamp").GetDateTimeOffset());
    }

    [Fact]
    public async Task Getting_an_unknown_order_is_a_not_found_problem()
    {
        var client = Start().CreateClient();
        var problem = await AssertProblemAsync(await client.GetAsync("/orders/o-missing"), HttpStatusCode.NotFound);
        Assert.Contains("o-missing", Detail(problem));
    }

    [Fact]
    public async Task A_stored_order_survives_a_restart_on_the_same_data_directory()
    {
        await using (var first = Start())
        {
            (await first.CreateClient().PostAsJsonAsync("/store", NewOrder("o-durable", item: "monitor"))).EnsureSuccessStatusCode();
        }

        var second = Start().CreateClient();
        var response = await second.GetAsync("/orders/o-durable");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("monitor", (await ReadJsonAsync(response)).GetProperty("item").GetString());
        Assert.Equal(1, await CountAsync(second));
    }

    [Fact]
    public async Task A_chaos_rate_of_one_fails_every_store_on_purpose_and_stores_nothing()
    {
        var client = Start(chaosRate: "1").CreateClient();

        var problem = await AssertProblemAsync(await client.PostAsJsonAsync("/store", NewOrder("o-chaos")), HttpStatusCode.InternalServerError);

        Assert.Contains("injected", Detail(problem), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("CHAOS_FAILURE_RATE", Detail(problem));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/orders/o-chaos")).StatusCode);
        Assert.Equal(0, await CountAsync(client));
    }

    [Fact]
    public async Task A_chaos_rate_of_zero_never_fails_a_store()
    {
        var client = Start(chaosRate: "0").CreateClient();
        for (var i = 0; i < 50; i++)
        {
            var response = await client.PostAsJsonAsync("/store", NewOrder($"o-{i}"));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
        Assert.Equal(50, await CountAsync(client));
    }

    public static TheoryData<string, string, HttpStatusCode> BadStores => new()
    {
        { "malformed JSON", "{\"id\": \"o-bad\", \"item\": ", HttpStatusCode.BadRequest },
        { "not an object", "[1, 2]", HttpStatusCode.BadRequest },
        { "empty body", "", HttpStatusCode.BadRequest },
        { "missing id", """{"item": "laptop", "quantity": 1, "timestamp": "2026-11-24T07:00:00Z"}""", HttpStatusCode.BadRequest },
        { "missing item", """{"id": "o-bad", "quantity": 1, "timestamp": "2026-11-24T07:00:00Z"}""", HttpStatusCode.BadRequest },
        { "missing timestamp", """{"id": "o-bad", "item": "laptop", "quantity": 1}""", HttpStatusCode.BadRequest },
        { "quantity 0", """{"id": "o-bad", "item": "laptop", "quantity": 0, "timestamp": "2026-11-24T07:00:00Z"}""", HttpStatusCode.BadRequest },
        { "quantity 101", """{"id": "o-bad", "item": "laptop", "quantity": 101, "timestamp": "2026-11-24T07:00:00Z"}""", HttpStatusCode.BadRequest },
        { "quantity not a number", """{"id": "o-bad", "item": "laptop", "quantity": "one", "timestamp": "2026-11-24T07:00:00Z"}""", HttpStatusCode.BadRequest },
        { "id too long", $$"""{"id": "{{new string('i', 65)}}", "item": "laptop", "quantity": 1, "timestamp": "2026-11-24T07:00:00Z"}""", HttpStatusCode.BadRequest },
        { "over 16 KiB", $$"""{"id": "o-bad", "item": "laptop", "quantity": 1, "timestamp": "2026-11-24T07:00:00Z", "pad": "{{new string('x', 17 * 1024)}}"}""", HttpStatusCode.RequestEntityTooLarge },
    };

    [Theory]
    [MemberData(nameof(BadStores))]
    public async Task A_bad_store_request_gets_a_problem_and_stores_nothing(string scenario, string json, HttpStatusCode status)
    {
        var client = Start().CreateClient();
        var problem = await AssertProblemAsync(await client.PostAsync("/store", Json(json)), status);

        Assert.False(string.IsNullOrWhiteSpace(Detail(problem)), scenario);
        Assert.Equal(0, await CountAsync(client));
    }

    [Fact]
    public async Task A_store_sent_as_plain_text_is_an_unsupported_media_type_and_stores_nothing()
    {
        var client = Start().CreateClient();
        var json = """{"id": "o-text", "item": "laptop", "quantity": 1, "timestamp": "2026-11-24T07:00:00Z"}""";

        var problem = await AssertProblemAsync(await client.PostAsync("/store", Text(json)), HttpStatusCode.UnsupportedMediaType);

        Assert.Contains("application/json", Detail(problem));
        Assert.Equal(0, await CountAsync(client));
    }

    [Fact]
    public async Task A_store_over_16_ki_b_without_a_content_length_is_too_large_and_stores_nothing()
    {
        var client = StreamingClient(Start());
        var json = $$"""{"id": "o-big", "item": "laptop", "quantity": 1, "timestamp": "2026-11-24T07:00:00Z", "pad": "{{new string('x', 17 * 1024)}}"}""";

        await AssertProblemAsync(await client.PostAsync("/store", new UnsizedContent(json)), HttpStatusCode.RequestEntityTooLarge);

        Assert.Equal(0, await CountAsync(client));
    }

    [Fact]
    public async Task Health_names_the_service_and_its_database_check()
    {
        var response = await Start().CreateClient().GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var health = await ReadJsonAsync(response);
        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal("database-service", health.GetProperty("service").GetString());
        Assert.Equal("healthy", health.GetProperty("checks").GetProperty("sqlite").GetString());
    }

    [Fact]
    public async Task Metrics_are_prometheus_text_with_request_durations_and_stored_orders()
    {
        var client = Start().CreateClient();
        (await client.PostAsJsonAsync("/store", NewOrder("o-metrics"))).EnsureSuccessStatusCode();

        var response = await client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", text);
        Assert.Matches("http_server_request_duration_seconds_count\\{[^}]*http_route=\"/store\"", text);
        Assert.Matches("cloudmart_orders_stored_total\\{[^}]*result=\"created\"[^}]*\\} [1-9]", text);
    }

    public void Dispose()
    {
        foreach (var factory in _factories)
        {
            factory.Dispose();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }
}
