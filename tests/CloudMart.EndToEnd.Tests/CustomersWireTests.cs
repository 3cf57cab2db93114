using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CloudMart.EndToEnd.Tests;

/// <summary>
/// What the customers put on the wire, seen by a stand-in shop that records every request: the
/// storefront's paths, a trace begun at the customer, an idempotency key per checkout that a retry
/// repeats, and a Bearer token only for signed-in customers.
/// </summary>
public sealed class CustomersWireTests : IAsyncLifetime
{
    sealed record Seen(string Method, string Path, string? Authorization, string? IdempotencyKey, string? Traceparent, string Body);

    const string IssuedToken = "token-from-the-stand-in";

    readonly ConcurrentQueue<Seen> _seen = new();
    readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);
    LoopbackServer? _shop;

    Uri ShopUrl => _shop!.Url;

    public async Task InitializeAsync() => _shop = await LoopbackServer.StartAsync(app => app.Run(ServeAsync));

    public async Task DisposeAsync()
    {
        if (_shop is not null)
        {
            await _shop.DisposeAsync();
        }
    }

    async Task ServeAsync(HttpContext context)
    {
        var request = context.Request;
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var seen = new Seen(request.Method, request.Path, request.Headers.Authorization, request.Headers["Idempotency-Key"],
            request.Headers.TraceParent, await reader.ReadToEndAsync(context.RequestAborted));
        _seen.Enqueue(seen);
        var (status, body) = Answer(seen);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>Tokens for anyone; every checkout fails with 503 the first time its key is seen, and succeeds the second.</summary>
    (int Status, string Body) Answer(Seen seen) => (seen.Method, seen.Path) switch
    {
        ("POST", "/api/token") => (200, $$"""{"token":"{{IssuedToken}}","tokenType":"Bearer","expiresAt":"{{DateTimeOffset.UtcNow.AddHours(1):O}}"}"""),
        ("POST", "/api/orders") when _attempts.AddOrUpdate(seen.IdempotencyKey ?? "", 1, (_, n) => n + 1) == 1 =>
            (503, """{"title":"try again"}"""),
        ("POST", "/api/orders") => (200, """{"success":true,"order":{"id":"o","item":"laptop","quantity":1,"timestamp":"2025-01-01T00:00:00Z"},"message":"ok"}"""),
        ("GET", "/api/orders") => (200, """{"orders":[],"count":0}"""),
        _ => (404, "{}"),
    };

    [Fact]
    public async Task Each_checkout_carries_a_traceparent_and_a_key_that_its_one_retry_repeats_and_only_signed_in_customers_send_a_token()
    {
        using var customers = CustomersProcess.Start(ShopUrl, durationSeconds: 4, summarySeconds: 60, checkoutsPerSecond: 5,
            new Dictionary<string, string> { ["SIGNED_IN_SHARE"] = "0.5", ["VIEW_ORDERS_SHARE"] = "1" });
        var exit = await customers.WaitForExitAsync(TimeSpan.FromSeconds(40));

        Assert.True(exit == 0, $"customers exit code {exit?.ToString() ?? "none (still running)"}:\n{customers.LogTail}");
        var seen = _seen.ToList();
        var checkouts = seen.Where(s => s is { Method: "POST", Path: "/api/orders" }).ToList();
        Assert.NotEmpty(checkouts);
        Assert.All(checkouts, c =>
        {
            Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", c.Traceparent);
            Assert.True(Guid.TryParse(c.IdempotencyKey, out _), $"Idempotency-Key '{c.IdempotencyKey}'");
            Assert.Contains("\"item\":", c.Body, StringComparison.Ordinal);
            Assert.Contains("\"quantity\":", c.Body, StringComparison.Ordinal);
        });
        foreach (var attempts in checkouts.GroupBy(c => c.IdempotencyKey))
        {
            // A 503 is retried once with the same key, in the same trace; then the checkout is done.
            Assert.Equal(2, attempts.Count());
            Assert.Single(attempts.Select(a => a.Traceparent!.Split('-')[1]).Distinct());
            Assert.Single(attempts.Select(a => a.Authorization).Distinct());
        }
        Assert.Contains(checkouts, c => c.Authorization is null);
        Assert.Contains(checkouts, c => c.Authorization == $"Bearer {IssuedToken}");
        Assert.All(seen.Where(s => s.Path == "/api/token"), s => Assert.Matches("^\\{\"username\":\"customer-[0-9]{2}\",\"password\":\"regular-shopper\"\\}$", s.Body));
        Assert.All(seen.Where(s => s is { Method: "GET", Path: "/api/orders" }), s => Assert.Equal($"Bearer {IssuedToken}", s.Authorization));
        Assert.Contains(seen, s => s is { Method: "GET", Path: "/api/orders" });

        var summary = customers.Summaries.Aggregate((a, b) => a with { Tried = a.Tried + b.Tried, Succeeded = a.Succeeded + b.Succeeded });
        Assert.Equal(checkouts.Count / 2, summary.Tried);
        Assert.Equal(summary.Tried, summary.Succeeded);
    }

    /// <summary>
    /// Every variable the catalog lists for the customers that has a form to check, with a value of
    /// its kind that the check refuses (and a zero rate, which the pattern alone refuses).
    /// </summary>
    public static TheoryData<string, string> BadVariables()
    {
        var data = new TheoryData<string, string> { { "CHECKOUTS_PER_SECOND", "0" } };
        foreach (var variable in TrafficSource.Customers.Variables)
        {
            var bad = variable.Kind switch
            {
                VariableKind.Port => "0",
                VariableKind.HttpUrl => "gateway:80",
                VariableKind.Rate => "1.5",
                VariableKind.Boolean => "maybe",
                VariableKind.PositiveInteger => "0",
                VariableKind.IpAddress => "localhost",
                _ => variable.Pattern is null ? null : "fast",
            };
            if (bad is not null)
            {
                data.Add(variable.Name, bad);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(BadVariables))]
    public async Task A_bad_variable_stops_the_start_with_one_fatal_line_naming_it(string variable, string value)
    {
        using var customers = CustomersProcess.Start(ShopUrl, durationSeconds: 4, summarySeconds: 60, checkoutsPerSecond: 5,
            new Dictionary<string, string> { [variable] = value });
        var exit = await customers.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, exit);
        var line = Assert.Single(customers.LogLines);
        Assert.Contains("\"level\":\"fatal\"", line, StringComparison.Ordinal);
        Assert.Contains($"{variable} has the value '{value}'", line, StringComparison.Ordinal);
        Assert.Empty(_seen);
    }
}
