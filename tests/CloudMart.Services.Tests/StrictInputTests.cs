using System.Net.Http.Headers;
using System.Text;
using Xunit.Abstractions;
using static CloudMart.Services.Tests.TestHttp;

namespace CloudMart.Services.Tests;

/// <summary>
/// Bodies a lenient reader would have taken one way or another, sent to the public endpoint of the
/// whole chain: each is refused with a problem, and the database ends up with no order.
/// </summary>
public sealed class StrictInputTests(ITestOutputHelper output) : IDisposable
{
    readonly ServiceChain _chain = new();

    public static TheoryData<string, string> HostileOrders => new()
    {
        { "duplicate key, last would win", """{"item":"a","quantity":500,"quantity":1}""" },
        { "duplicate item", """{"item":"a","item":"b","quantity":1}""" },
        { "case-variant key", """{"item":"a","ITEM":"b","quantity":1}""" },
        { "case-variant only", """{"Item":"a","quantity":1}""" },
        { "unknown field", """{"item":"a","quantity":1,"price":0}""" },
        { "customer over 100 characters", $$"""{"item":"a","quantity":1,"customer":"{{new string('c', 101)}}"}""" },
        { "number as string", """{"item":"a","quantity":"5"}""" },
        { "fraction", """{"item":"a","quantity":1.5}""" },
        { "boolean quantity", """{"item":"a","quantity":true}""" },
        { "item as number", """{"item":5,"quantity":1}""" },
        { "item as array", """{"item":["a"],"quantity":1}""" },
        { "NUL in item", "{\"item\":\"lap\\u0000top\",\"quantity\":1}" },
        { "CR LF in item", "{\"item\":\"laptop\\r\\nfake log line\",\"quantity\":1}" },
        { "U+2028 in item", "{\"item\":\"lap\\u2028top\",\"quantity\":1}" },
        { "U+202E in item", "{\"item\":\"\\u202Epot pal\",\"quantity\":1}" },
        { "zero-width only", "{\"item\":\"\\u200B\\u200C\\u200D\\uFEFF\",\"quantity\":1}" },
        { "zero-width inside", "{\"item\":\"lap\\u200Btop\",\"quantity\":1}" },
        { "lone surrogate", "{\"item\":\"lap\\uD800top\",\"quantity\":1}" },
        { "tab", "{\"item\":\"lap\\ttop\",\"quantity\":1}" },
        { "no-break space only", "{\"item\":\"\\u00A0\",\"quantity\":1}" },
        { "trailing garbage", """{"item":"a","quantity":1} {}""" },
        { "comment", """{"item":"a", /* x */ "quantity":1}""" },
        { "trailing comma", """{"item":"a","quantity":1,}""" },
        { "null body", "null" },
    };

    [Theory]
    [MemberData(nameof(HostileOrders))]
    public async Task A_hostile_order_body_is_a_400_problem_and_stores_nothing(string scenario, string json)
    {
        var response = await _chain.Api.CreateClient().PostAsync("/api/orders", Json(json));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        AssertNoInternals(Detail(problem), scenario);
        Assert.Empty(await _chain.StoredOrderIdsAsync());
    }

    [Theory]
    [InlineData("utf-16")]
    [InlineData("iso-8859-1")]
    [InlineData("utf-32")]
    public async Task A_body_labelled_with_another_charset_is_a_400_problem_and_stores_nothing(string charset)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"item":"laptop","quantity":1}"""));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = charset };

        var response = await _chain.Api.CreateClient().PostAsync("/api/orders", content);

        // The media type is JSON and only its label is wrong: a malformed request (400), as #13 asks, not an unsupported type (415).
        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("UTF-8", Detail(problem));
        Assert.Contains(charset, Detail(problem));
        Assert.Empty(await _chain.StoredOrderIdsAsync());
    }

    [Fact]
    public async Task Bytes_that_are_not_UTF_8_are_a_400_problem_and_store_nothing()
    {
        var bytes = Encoding.Latin1.GetBytes("{\"item\":\"caf\u00e9\",\"quantity\":1}");
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var response = await _chain.Api.CreateClient().PostAsync("/api/orders", content);

        AssertNoInternals(Detail(await AssertProblemAsync(response, HttpStatusCode.BadRequest)), "latin-1 bytes");
        Assert.Empty(await _chain.StoredOrderIdsAsync());
    }

    [Fact]
    public async Task An_honest_order_with_an_explicit_utf8_label_and_non_ASCII_name_is_stored()
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"item":"Café crème — 東京","quantity":2}"""));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "UTF-8" };

        var response = await _chain.Api.CreateClient().PostAsync("/api/orders", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(await _chain.StoredOrderIdsAsync());
    }

    public static TheoryData<string, string> HostileStores => new()
    {
        { "SQL in the id", """{"id":"x' OR '1'='1","item":"a","quantity":1,"timestamp":"2026-11-24T07:00:00Z"}""" },
        { "slash in the id", """{"id":"../etc","item":"a","quantity":1,"timestamp":"2026-11-24T07:00:00Z"}""" },
        { "year 9999", """{"id":"o-1","item":"a","quantity":1,"timestamp":"9999-01-01T00:00:00Z"}""" },
        { "year 1900", """{"id":"o-1","item":"a","quantity":1,"timestamp":"1900-01-01T00:00:00Z"}""" },
        { "timestamp as number", """{"id":"o-1","item":"a","quantity":1,"timestamp":1764000000}""" },
        { "empty customer", """{"id":"o-1","item":"a","quantity":1,"timestamp":"2026-11-24T07:00:00Z","customer":""}""" },
        { "CR LF customer", "{\"id\":\"o-1\",\"item\":\"a\",\"quantity\":1,\"timestamp\":\"2026-11-24T07:00:00Z\",\"customer\":\"bob\\r\\nadmin\"}" },
        { "unknown field", """{"id":"o-1","item":"a","quantity":1,"timestamp":"2026-11-24T07:00:00Z","stored_at":"x"}""" },
    };

    [Theory]
    [MemberData(nameof(HostileStores))]
    public async Task A_hostile_store_is_a_400_problem_and_stores_nothing(string scenario, string json)
    {
        var response = await _chain.Database.CreateClient().PostAsync("/store", Json(json));

        AssertNoInternals(Detail(await AssertProblemAsync(response, HttpStatusCode.BadRequest)), scenario);
        Assert.Empty(await _chain.StoredOrderIdsAsync());
    }

    /// <summary>Parser texts and type names go to logs and spans; a caller reads what to fix.</summary>
    void AssertNoInternals(string detail, string scenario)
    {
        output.WriteLine($"{scenario}: {detail}");
        Assert.DoesNotContain("System.", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("BytePosition", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", detail, StringComparison.Ordinal);
    }

    public void Dispose() => _chain.Dispose();
}
