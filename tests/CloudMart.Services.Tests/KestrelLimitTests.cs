using System.Globalization;
using System.Text.RegularExpressions;
using CloudMart.ServiceDefaults.Hosting;

namespace CloudMart.Services.Tests;

/// <summary>
/// Kestrel answers a request head past its limits itself, with an empty body. Each service's
/// limits are above the gateway's, so whatever the gateway lets through reaches the service's
/// own (problem+json) handling: checked on a real api-service process, and against nginx.conf.
/// </summary>
public sealed partial class KestrelLimitTests : IAsyncLifetime
{
    static readonly string NginxConf = File.ReadAllText(Path.Combine(TestMachine.RepositoryRoot, "services", "day-4", "broken-production", "gateway", "nginx.conf"));
    readonly int _port = LoopbackServer.FreePort();
    ServiceProcess? _api;
    readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(20) };

    public async Task InitializeAsync()
    {
        _api = ServiceProcess.StartDll("api-service", new Dictionary<string, string> { ["PORT"] = _port.ToString(CultureInfo.InvariantCulture) });
        await _api.WaitHealthyAsync(_port, TimeSpan.FromSeconds(30));
    }

    public Task DisposeAsync()
    {
        _http.Dispose();
        _api?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>nginx's <c>large_client_header_buffers</c>: how many, and how large each (KiB).</summary>
    static (int Count, int Bytes) GatewayHeaderBuffers()
    {
        var match = HeaderBuffers().Match(NginxConf);
        Assert.True(match.Success, "nginx.conf sets large_client_header_buffers");
        return (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) * 1024);
    }

    async Task<HttpStatusCode> AliveAsync(string query = "", IEnumerable<(string Name, string Value)>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{_port}/alive{query}");
        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using var response = await _http.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task A_request_line_as_long_as_the_gateway_allows_reaches_the_service()
    {
        var (_, buffer) = GatewayHeaderBuffers();
        // "GET /alive?pad=... HTTP/1.1" just inside one of the gateway's buffers.
        var query = "?pad=" + new string('a', buffer - 40);

        Assert.Equal(HttpStatusCode.OK, await AliveAsync(query));
    }

    [Fact]
    public async Task Headers_as_large_as_the_gateway_allows_reach_the_service()
    {
        var (count, buffer) = GatewayHeaderBuffers();
        // One header line near a whole buffer in each of the gateway's buffers but the one for the request line.
        var headers = Enumerable.Range(0, count - 1).Select(i => ($"X-Pad-{i}", new string('h', buffer - 64)));

        Assert.Equal(HttpStatusCode.OK, await AliveAsync(headers: headers));
    }

    [Fact]
    public async Task Many_short_headers_that_fit_the_gateway_are_not_refused_by_a_header_count()
    {
        var (count, buffer) = GatewayHeaderBuffers();
        // Short lines ("X-1234: v" and CR LF, 11 bytes) filling most of the gateway's buffers: far more than Kestrel's default of 100.
        var headers = Enumerable.Range(1000, (count - 1) * buffer / 11 * 9 / 10).Select(i => ($"X-{i}", "v")).ToList();
        Assert.True(headers.Count > 100);

        Assert.Equal(HttpStatusCode.OK, await AliveAsync(headers: headers));
    }

    [Fact]
    public void Every_limit_is_above_the_gateways_own()
    {
        var (count, buffer) = GatewayHeaderBuffers();
        var timeout = HeaderTimeout().Match(NginxConf);
        Assert.True(timeout.Success, "nginx.conf sets client_header_timeout");

        Assert.True(RequestLimits.MaxRequestLineBytes > buffer);
        Assert.True(RequestLimits.MaxHeadersTotalBytes > count * buffer);
        Assert.True(RequestLimits.MaxHeaderCount >= count * buffer / 4);
        Assert.True(RequestLimits.HeadersTimeout > TimeSpan.FromSeconds(int.Parse(timeout.Groups[1].Value, CultureInfo.InvariantCulture)));
    }

    [GeneratedRegex(@"large_client_header_buffers\s+(\d+)\s+(\d+)k;")]
    private static partial Regex HeaderBuffers();

    [GeneratedRegex(@"client_header_timeout\s+(\d+)s;")]
    private static partial Regex HeaderTimeout();
}
