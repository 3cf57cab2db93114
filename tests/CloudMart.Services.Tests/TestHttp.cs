using System.Net.Sockets;
using System.Text;

namespace CloudMart.Services.Tests;

/// <summary>Request bodies and response checks shared by the service tests.</summary>
public static class TestHttp
{
    public const int BodyLimitBytes = 16 * 1024;

    public static HttpClient StreamingClient<TProgram>(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<TProgram> factory)
        where TProgram : class =>
        factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static StringContent Text(string text) => new(text, Encoding.UTF8, "text/plain");

    /// <summary>A syntactically valid JSON order padded past the 16 KiB body limit.</summary>
    public static string OversizedOrderJson() =>
        $$"""{"item": "laptop", "quantity": 1, "note": "{{new string('x', BodyLimitBytes + 1024)}}"}""";

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>Asserts an RFC 9457 problem response with the given status and returns its body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        return problem;
    }

    public static string Detail(JsonElement problem) => problem.GetProperty("detail").GetString() ?? "";

    /// <summary>A loopback port that nothing listens on (it was free a moment ago).</summary>
    public static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

/// <summary>
/// A body sent without a Content-Length (chunked), so the service must count the bytes as they arrive.
/// Send it with a client from <see cref="TestHttp.StreamingClient"/>: the default test client follows
/// redirects, and to replay a body it buffers it, which gives the request a Content-Length after all.
/// </summary>
public sealed class UnsizedContent : HttpContent
{
    readonly byte[] _bytes;

    public UnsizedContent(string text, string mediaType = "application/json")
    {
        _bytes = Encoding.UTF8.GetBytes(text);
        Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(_bytes).AsTask();

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
