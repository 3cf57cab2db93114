using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CloudMart.Lab;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CloudMart.Lab.Tests;

/// <summary>The real nginx with the rendered gateway config, in front of a stand-in api-service that records what reaches it.</summary>
public sealed class GatewayBehaviourTests : IAsyncLifetime
{
    const string CallerTraceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const string UpstreamTraceId = "0af7651916cd43dd8448eb211c80319c";

    readonly TempFolder _folder = new();
    readonly ConcurrentQueue<UpstreamRequest> _received = new();
    readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
    LoopbackServer _upstream = null!;
    ChildProcess _nginx = null!;
    int _gatewayPort;

    public async Task InitializeAsync()
    {
        var ports = TestMachine.FreePorts();
        _gatewayPort = ports.For("gateway");
        _upstream = await LoopbackServer.StartAsync(app => app.Run(async context =>
        {
            _received.Enqueue(new UpstreamRequest(context.Request));
            await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
            context.Response.ContentType = "application/json";
            context.Response.Headers["traceparent"] = $"00-{UpstreamTraceId}-b7ad6b7169203331-01";
            await context.Response.WriteAsync("{\"success\":true}", context.RequestAborted);
        }));
        _nginx = await StartNginxAsync(_folder.Path, _gatewayPort, _upstream.Url.Port);
    }

    public async Task DisposeAsync()
    {
        await _nginx.StopAsync(TimeSpan.FromSeconds(5));
        _nginx.Dispose();
        await _upstream.DisposeAsync();
        _http.Dispose();
        _folder.Dispose();
    }

    /// <param name="edit">A change to the rendered file, for a test that needs one setting shorter.</param>
    public static async Task<ChildProcess> StartNginxAsync(string folder, int gatewayPort, int apiPort, Func<string, string>? edit = null)
    {
        var layout = new LabLayout(TestMachine.RepositoryRoot, folder);
        Directory.CreateDirectory(layout.NginxDirectory);
        var rendered = GatewayConfig.Render(await File.ReadAllTextAsync(layout.GatewayConfigSource), gatewayPort, apiPort, layout.NginxDirectory);
        await File.WriteAllTextAsync(Path.Combine(layout.NginxDirectory, GatewayConfig.RenderedFileName), edit is null ? rendered : edit(rendered));
        var nginx = ChildProcess.Start("gateway",
            new LaunchCommand(TestMachine.NginxPath, NginxSetup.RunArguments(layout.NginxDirectory, NginxSetup.VersionOf(TestMachine.NginxPath))),
            new Dictionary<string, string>(), [], layout.LogFile("gateway"), folder);
        var clock = Stopwatch.StartNew();
        while (!await HealthProbe.IsHealthyAsync(new Uri($"http://127.0.0.1:{gatewayPort}/health"), "gateway", CancellationToken.None))
        {
            if (nginx.HasExited || clock.Elapsed > TimeSpan.FromSeconds(15))
            {
                nginx.Dispose();
                throw new InvalidOperationException("nginx did not become healthy:\n" + ChildProcess.Tail(layout.LogFile("gateway"), 20));
            }
            await Task.Delay(50);
        }
        return nginx;
    }

    HttpRequestMessage Order(string? traceparent)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{_gatewayPort}/api/orders")
        {
            Content = new StringContent("{\"item\": \"laptop\", \"quantity\": 1}", Encoding.UTF8, "application/json"),
        };
        if (traceparent is not null)
        {
            request.Headers.TryAddWithoutValidation("traceparent", traceparent);
            request.Headers.TryAddWithoutValidation("tracestate", "vendor=1");
        }
        return request;
    }

    [Fact]
    public async Task An_order_reaches_the_api_service_with_its_path_and_trace_context_and_the_forwarding_headers()
    {
        using var response = await _http.SendAsync(Order(CallerTraceparent));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Only this test's request counts: a parallel test's traffic may land on a port it also picked.
        var received = Assert.Single(_received, r => r.Header("tracestate") == "vendor=1");
        Assert.Equal("POST", received.Method);
        Assert.Equal("/api/orders", received.Path);
        Assert.Equal(CallerTraceparent, received.Header("traceparent"));
        Assert.Equal("vendor=1", received.Header("tracestate"));
        Assert.Matches("^[0-9a-f]{32}$", received.Header("X-Request-ID"));
        Assert.Equal("127.0.0.1", received.Header("X-Forwarded-For"));
        Assert.Equal("http", received.Header("X-Forwarded-Proto"));
        Assert.Equal("HTTP/1.1", received.Protocol);
        Assert.Null(received.Header("Connection"));
        Assert.Equal(received.Header("X-Request-ID"), response.Headers.GetValues("X-Request-ID").Single());
        Assert.StartsWith($"00-{UpstreamTraceId}-", response.Headers.GetValues("traceparent").Single());
    }

    [Fact]
    public async Task Health_is_answered_by_the_gateway_itself()
    {
        using var response = await _http.GetAsync($"http://127.0.0.1:{_gatewayPort}/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"status\":\"ok\",\"service\":\"gateway\"}", await response.Content.ReadAsStringAsync());
        Assert.Empty(_received);
    }

    [Fact]
    public async Task A_body_over_32_ki_b_is_refused_with_413_problem_json_and_never_forwarded()
    {
        var request = Order(null);
        request.Content = new StringContent("{\"item\": \"" + new string('x', 40 * 1024) + "\", \"quantity\": 1}", Encoding.UTF8, "application/json");

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(413, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Empty(_received);
    }

    [Fact]
    public async Task Paths_outside_api_and_health_get_404_problem_json()
    {
        using var response = await _http.GetAsync($"http://127.0.0.1:{_gatewayPort}/orders");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(_received);
    }

    /// <summary>Requests the gateway itself refuses, written as raw bytes so the client library cannot tidy them up.</summary>
    public static TheoryData<string, string, int> MalformedRequests => new()
    {
        { "request line that is not HTTP", "GARBAGE\r\n\r\n", 400 },
        { "request line over 4 KiB", $"GET /api/{new string('a', 5000)} HTTP/1.1\r\nHost: x\r\n\r\n", 414 },
        { "header line over 4 KiB", $"GET /api/orders HTTP/1.1\r\nHost: x\r\nX-Big: {new string('a', 5000)}\r\n\r\n", 431 },
        { "cookie over 4 KiB", $"GET /api/orders HTTP/1.1\r\nHost: x\r\nCookie: a={new string('a', 5000)}\r\n\r\n", 431 },
        { "TRACE, which would echo the headers back", "TRACE /api/orders HTTP/1.1\r\nHost: x\r\n\r\n", 405 },
        { "two Host headers", "GET /api/orders HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 400 },
    };

    [Theory]
    [MemberData(nameof(MalformedRequests))]
    public async Task A_request_the_gateway_refuses_gets_a_problem_json_with_its_request_id_and_is_never_forwarded(string scenario, string raw, int status)
    {
        var (statusLine, headers, body) = await SendRawAsync(raw);

        Assert.StartsWith($"HTTP/1.1 {status} ", statusLine, StringComparison.Ordinal);
        Assert.Contains("Content-Type: application/problem+json", headers, StringComparison.OrdinalIgnoreCase);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(status, problem.RootElement.GetProperty("status").GetInt32());
        var requestId = problem.RootElement.GetProperty("request_id").GetString();
        Assert.Matches("^[0-9a-f]{32}$", requestId);
        Assert.Contains($"X-Request-ID: {requestId}", headers, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(_received, r => r.Path != "/api/orders" || r.Header("X-Big") is not null);
        Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("detail").GetString()), scenario);
    }

    [Theory]
    [InlineData("abc\"<script>")]
    [InlineData("has space")]
    [InlineData("a/b")]
    [InlineData("too-long-0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789")]
    public async Task A_request_id_or_traceparent_that_is_not_well_formed_is_replaced_not_reflected(string requestId)
    {
        var request = Order(null);
        request.Headers.TryAddWithoutValidation("X-Request-ID", requestId);
        request.Headers.TryAddWithoutValidation("traceparent", "00-zz\"bad-trace");
        request.Headers.TryAddWithoutValidation("tracestate", "bad=1");

        using var response = await _http.SendAsync(request);

        var answered = response.Headers.GetValues("X-Request-ID").Single();
        Assert.Matches("^[0-9a-f]{32}$", answered);
        var received = Assert.Single(_received, r => r.Header("X-Request-ID") == answered);
        Assert.Null(received.Header("traceparent"));
        Assert.Null(received.Header("tracestate"));
    }

    [Fact]
    public async Task A_well_formed_request_id_is_kept()
    {
        var request = Order(null);
        request.Headers.TryAddWithoutValidation("X-Request-ID", "client-id_1.2:3");

        using var response = await _http.SendAsync(request);

        Assert.Equal("client-id_1.2:3", response.Headers.GetValues("X-Request-ID").Single());
        Assert.Single(_received, r => r.Header("X-Request-ID") == "client-id_1.2:3");
    }

    async Task<(string StatusLine, string Headers, string Body)> SendRawAsync(string raw)
    {
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, _gatewayPort);
        var stream = socket.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(raw));
        socket.Client.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var text = await reader.ReadToEndAsync(timeout.Token);
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(split > 0, $"no complete answer: {text}");
        var head = text[..split];
        return (head.Split("\r\n")[0], head, text[(split + 4)..]);
    }

    [Fact]
    public async Task Each_request_is_logged_as_one_JSON_line_with_its_trace_id_from_the_caller_or_else_from_the_api_service()
    {
        using (await _http.SendAsync(Order(CallerTraceparent)))
        {
        }
        using (await _http.SendAsync(Order(null)))
        {
        }

        var lines = await WaitForLinesAsync(Path.Combine(_folder.Path, "logs", "gateway.log"), 2);
        var entries = lines.Select(line => JsonDocument.Parse(line).RootElement).Where(e => e.GetProperty("uri").GetString() == "/api/orders").ToList();
        Assert.Equal(2, entries.Count);
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", entries[0].GetProperty("trace_id").GetString());
        Assert.Equal(UpstreamTraceId, entries[1].GetProperty("trace_id").GetString());
        foreach (var entry in entries)
        {
            Assert.Equal("gateway", entry.GetProperty("service").GetString());
            Assert.Equal("POST", entry.GetProperty("method").GetString());
            Assert.Equal(200, entry.GetProperty("status").GetInt32());
            Assert.True(entry.GetProperty("request_time").GetDouble() >= 0);
            Assert.Matches(@"^\d+\.\d{3}$", entry.GetProperty("upstream_response_time").GetString());
            Assert.True(DateTimeOffset.TryParse(entry.GetProperty("timestamp").GetString(), out _));
        }
    }

    internal static async Task<string[]> WaitForLinesAsync(string file, int count)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var lines = ChildProcess.Tail(file, 1000).Split('\n').Where(l => l.StartsWith('{')).ToArray();
            if (lines.Length >= count || clock.Elapsed > TimeSpan.FromSeconds(5))
            {
                return lines;
            }
            await Task.Delay(50);
        }
    }
}

/// <summary>The gateway with no api-service behind it.</summary>
public sealed class GatewayWithoutUpstreamTests
{
    [Fact]
    public async Task An_order_gets_502_problem_json_with_the_request_id_and_without_the_upstream_address()
    {
        using var folder = new TempFolder();
        var ports = TestMachine.FreePorts();
        var nginx = await GatewayBehaviourTests.StartNginxAsync(folder.Path, ports.For("gateway"), ports.For("api-service"));
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
            using var content = new StringContent("{\"item\": \"laptop\", \"quantity\": 1}");
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

            using var response = await http.PostAsync($"http://127.0.0.1:{ports.For("gateway")}/api/orders", content);

            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(502, problem.RootElement.GetProperty("status").GetInt32());
            // The address is in the gateway's log line; the caller gets the request id that finds it.
            Assert.DoesNotContain($":{ports.For("api-service")}", problem.RootElement.GetRawText(), StringComparison.Ordinal);
            Assert.Contains("api-service", problem.RootElement.GetProperty("title").GetString());
            Assert.Equal(response.Headers.GetValues("X-Request-ID").Single(), problem.RootElement.GetProperty("request_id").GetString());
        }
        finally
        {
            await nginx.StopAsync(TimeSpan.FromSeconds(5));
            nginx.Dispose();
        }
    }
}

/// <summary>
/// The gateway's own error pages are an internal redirect, which turns the request's method into
/// GET; its log line must still name what the client sent, since that is the learner's evidence.
/// </summary>
public sealed class GatewayErrorPageLogTests
{
    [Theory]
    [InlineData(502)]
    [InlineData(504)]
    public async Task A_POST_answered_by_the_gateways_own_error_page_is_logged_as_POST_with_its_uri(int status)
    {
        using var folder = new TempFolder();
        var ports = TestMachine.FreePorts();
        // 502: nothing listens at the api-service's port. 504: it takes the request and never answers
        // within the read timeout, which this copy of the file shortens from 30 s to 1 s.
        await using var silent = status == 504
            ? await LoopbackServer.StartAsync(app => app.Run(context => Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted)))
            : null;
        var apiPort = silent?.Url.Port ?? ports.For("api-service");
        var nginx = await GatewayBehaviourTests.StartNginxAsync(folder.Path, ports.For("gateway"), apiPort, conf =>
        {
            Assert.Contains("proxy_read_timeout 30s;", conf, StringComparison.Ordinal);
            return conf.Replace("proxy_read_timeout 30s;", "proxy_read_timeout 1s;", StringComparison.Ordinal);
        });
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
            using var content = new StringContent("{\"item\": \"laptop\", \"quantity\": 1}", Encoding.UTF8, "application/json");

            using var response = await http.PostAsync($"http://127.0.0.1:{ports.For("gateway")}/api/orders?source=test", content);

            Assert.Equal(status, (int)response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var lines = await GatewayBehaviourTests.WaitForLinesAsync(Path.Combine(folder.Path, "logs", "gateway.log"), 1);
            var entry = JsonDocument.Parse(Assert.Single(lines)).RootElement;
            Assert.Equal(status, entry.GetProperty("status").GetInt32());
            Assert.Equal("POST", entry.GetProperty("method").GetString());
            Assert.Equal("/api/orders?source=test", entry.GetProperty("uri").GetString());
            Assert.Equal($"POST /api/orders?source=test {status}", entry.GetProperty("message").GetString());
            Assert.Equal("error", entry.GetProperty("level").GetString());
        }
        finally
        {
            await nginx.StopAsync(TimeSpan.FromSeconds(5));
            nginx.Dispose();
        }
    }
}

/// <summary>What the stand-in api-service saw of one request the gateway passed on.</summary>
sealed class UpstreamRequest(HttpRequest request)
{
    readonly Dictionary<string, string> _headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);

    public string Method { get; } = request.Method;

    public string Path { get; } = request.Path;

    public string Protocol { get; } = request.Protocol;

    /// <summary>The header's value, or null when the request had none.</summary>
    public string? Header(string name) => _headers.GetValueOrDefault(name);
}
