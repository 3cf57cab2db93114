using static CloudMart.Services.Tests.TestHttp;

namespace CloudMart.Services.Tests;

public sealed class NotificationServiceTests : IAsyncLifetime
{
    readonly List<IAsyncDisposable> _owned = [];

    public Task InitializeAsync() => Task.CompletedTask;

    HttpClient Start(Uri? webhook = null)
    {
        var variables = new Dictionary<string, string?>();
        if (webhook is not null)
        {
            variables["WEBHOOK_URL"] = webhook.ToString();
        }
        var factory = new ServiceFactory<NotificationService.Program>(variables);
        _owned.Add(factory);
        return factory.CreateClient();
    }

    async Task<LoopbackServer> StartWebhookAsync(HttpStatusCode status)
    {
        var server = await LoopbackServer.StartRecordingAsync(_ => status);
        _owned.Add(server);
        return server;
    }

    static object Notification(string orderId, string type = "order_created") =>
        new { type, order = new { id = orderId, item = "laptop", quantity = 1, timestamp = "2026-11-24T07:00:00Z" } };

    static async Task<JsonElement> ListAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>("/notifications")).GetProperty("notifications");

    [Fact]
    public async Task A_notification_is_recorded_and_listed_newest_first()
    {
        var client = Start();

        var response = await client.PostAsJsonAsync("/notify", Notification("o-1"));
        (await client.PostAsJsonAsync("/notify", Notification("o-2", type: "order_shipped"))).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await ReadJsonAsync(response);
        Assert.True(result.GetProperty("success").GetBoolean());
        Assert.Equal("recorded", result.GetProperty("notification").GetProperty("delivery").GetString());
        Assert.StartsWith("ntf-", result.GetProperty("notification").GetProperty("id").GetString());

        var list = await ListAsync(client);
        Assert.Equal(["o-2", "o-1"], list.EnumerateArray().Select(n => n.GetProperty("order").GetProperty("id").GetString()));
        Assert.Equal(["order_shipped", "order_created"], list.EnumerateArray().Select(n => n.GetProperty("type").GetString()));
    }

    public static TheoryData<string, string> BadNotifications => new()
    {
        { "missing type", """{"order": {"id": "o-1", "item": "laptop", "quantity": 1, "timestamp": "2026-11-24T07:00:00Z"}}""" },
        { "blank type", """{"type": " ", "order": {"id": "o-1", "item": "laptop", "quantity": 1, "timestamp": "2026-11-24T07:00:00Z"}}""" },
        { "missing order", """{"type": "order_created"}""" },
        { "order without id", """{"type": "order_created", "order": {"item": "laptop", "quantity": 1, "timestamp": "2026-11-24T07:00:00Z"}}""" },
        { "order with quantity 0", """{"type": "order_created", "order": {"id": "o-1", "item": "laptop", "quantity": 0, "timestamp": "2026-11-24T07:00:00Z"}}""" },
        { "malformed JSON", """{"type": "order_created", """ },
    };

    [Theory]
    [MemberData(nameof(BadNotifications))]
    public async Task A_bad_notification_is_a_bad_request_and_is_not_recorded(string scenario, string json)
    {
        var client = Start();

        var problem = await AssertProblemAsync(await client.PostAsync("/notify", Json(json)), HttpStatusCode.BadRequest);

        Assert.False(string.IsNullOrWhiteSpace(Detail(problem)), scenario);
        Assert.Equal(0, (await ListAsync(client)).GetArrayLength());
    }

    [Fact]
    public async Task Listing_with_a_limit_out_of_range_or_not_a_number_is_a_bad_request()
    {
        var client = Start();
        await AssertProblemAsync(await client.GetAsync("/notifications?limit=0"), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await client.GetAsync("/notifications?limit=1001"), HttpStatusCode.BadRequest);
        await AssertProblemAsync(await client.GetAsync("/notifications?limit=abc"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task With_a_webhook_the_record_is_forwarded_to_it()
    {
        var webhook = await StartWebhookAsync(HttpStatusCode.OK);
        var client = Start(new Uri(webhook.Url, "/hooks/orders"));

        var response = await client.PostAsJsonAsync("/notify", Notification("o-hook"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var record = (await ReadJsonAsync(response)).GetProperty("notification");
        Assert.Equal("forwarded", record.GetProperty("delivery").GetString());

        var received = Assert.Single(webhook.Received);
        Assert.Equal("POST", received.Method);
        Assert.Equal("/hooks/orders", received.PathAndQuery);
        Assert.StartsWith("application/json", received.ContentType);
        var forwarded = JsonDocument.Parse(received.Body).RootElement;
        Assert.Equal(record.GetProperty("id").GetString(), forwarded.GetProperty("id").GetString());
        Assert.Equal("order_created", forwarded.GetProperty("type").GetString());
        Assert.Equal("o-hook", forwarded.GetProperty("order").GetProperty("id").GetString());

        Assert.Equal("forwarded", (await ListAsync(client))[0].GetProperty("delivery").GetString());
    }

    [Fact]
    public async Task A_webhook_that_fails_does_not_fail_the_notification()
    {
        var webhook = await StartWebhookAsync(HttpStatusCode.InternalServerError);
        var client = Start(webhook.Url);

        var response = await client.PostAsJsonAsync("/notify", Notification("o-hook-500"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("forward_failed", (await ReadJsonAsync(response)).GetProperty("notification").GetProperty("delivery").GetString());
        Assert.Single(webhook.Received);
        var listed = Assert.Single((await ListAsync(client)).EnumerateArray());
        Assert.Equal("forward_failed", listed.GetProperty("delivery").GetString());
    }

    [Fact]
    public async Task A_webhook_that_nothing_answers_does_not_fail_the_notification()
    {
        var client = Start(new Uri($"http://127.0.0.1:{ClosedPort()}/hook"));

        var response = await client.PostAsJsonAsync("/notify", Notification("o-hook-down"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("forward_failed", (await ReadJsonAsync(response)).GetProperty("notification").GetProperty("delivery").GetString());
    }

    [Fact]
    public async Task Health_names_the_service()
    {
        var health = await Start().GetFromJsonAsync<JsonElement>("/health");
        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal("notification-service", health.GetProperty("service").GetString());
    }

    public async Task DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }
    }
}
