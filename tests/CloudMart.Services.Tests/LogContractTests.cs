using System.Net.Sockets;
using System.Text;
using CloudMart.ServiceDefaults.Contracts;
using CloudMart.ServiceDefaults.Http;
using CloudMart.ServiceDefaults.Logging;

namespace CloudMart.Services.Tests;

/// <summary>
/// The log contract from both ends: lines the services' own writer produced, read back by the
/// catalog's <see cref="LogLine"/>, the one reader <c>cloudmart diagnose</c> and <c>cloudmart verify</c> share.
/// </summary>
public sealed class LogContractTests
{
    [Fact]
    public async Task A_failed_dependency_call_is_read_back_from_the_fields_of_the_line_the_dependency_client_wrote()
    {
        var port = ClosedLoopbackPort();
        var baseUrl = new Uri($"http://127.0.0.1:{port}/");
        var output = new MemoryStream();
        using (var provider = new JsonLogProvider(ServiceCatalog.Order.Name, output))
        using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) })
        {
            var client = new DependencyClient(http, ServiceCatalog.Database.Name, baseUrl, provider.CreateLogger("CloudMart.Dependency.database-service"));
            await Assert.ThrowsAsync<DependencyException>(() => client.GetAsync("/orders/ord-1", CloudMartJson.Default.HealthResponse, CancellationToken.None));
        }

        var line = Assert.Single(Lines(output), l => l.Event == LogEvents.DependencyCallFailed);
        Assert.True(line.IsJson);
        Assert.Equal(LogLevels.Error, line.Level);
        var failure = Assert.IsType<DependencyFailure>(line.DependencyFailure);
        Assert.Equal(ServiceCatalog.Database.Name, failure.Dependency);
        Assert.Equal("GET", failure.Method);
        Assert.Equal(new Uri(baseUrl, "/orders/ord-1").ToString(), failure.Url);
        Assert.Equal("127.0.0.1", failure.Host);
        Assert.False(string.IsNullOrWhiteSpace(failure.Error));
        // The reader takes the fields, not the wording: the message may change without breaking it.
        var reworded = line.Text.Replace(line.Message, "the wording of this message changed", StringComparison.Ordinal);
        Assert.Equal(failure, LogLine.Parse(reworded).DependencyFailure);
    }

    [Fact]
    public async Task A_dependency_that_refuses_the_request_with_a_4xx_is_a_warning_so_a_client_mistake_leaves_no_error_line()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var baseUrl = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
        var answer = AnswerOnceAsync(listener, "HTTP/1.1 400 Bad Request\r\nContent-Type: application/problem+json\r\nConnection: close\r\n"
            + "Content-Length: 29\r\n\r\n{\"detail\":\"limit must be >0\"}");
        var output = new MemoryStream();
        using (var provider = new JsonLogProvider(ServiceCatalog.Api.Name, output))
        using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
        {
            var client = new DependencyClient(http, ServiceCatalog.Order.Name, baseUrl, provider.CreateLogger("CloudMart.Dependency.order-service"));
            var refused = await Assert.ThrowsAsync<DependencyException>(() => client.GetAsync("/orders?limit=0", CloudMartJson.Default.HealthResponse, CancellationToken.None));
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            // Passed on as the dependency said it, not wrapped in a second "answered 400".
            Assert.Equal("limit must be >0", refused.Detail);
        }
        await answer;

        var lines = Lines(output);
        Assert.DoesNotContain(lines, l => l.Level is LogLevels.Error or LogLevels.Fatal);
        var line = Assert.Single(lines, l => l.Event == LogEvents.DependencyCallRefused);
        Assert.Equal(LogLevels.Warn, line.Level);
        Assert.Contains("limit must be >0", line.Message, StringComparison.Ordinal);
    }

    /// <summary>Answers the first request on <paramref name="listener"/> with <paramref name="response"/>, bounded to 10 s.</summary>
    static async Task AnswerOnceAsync(TcpListener listener, string response)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var socket = await listener.AcceptTcpClientAsync(timeout.Token);
        var stream = socket.GetStream();
        var buffer = new byte[8192];
        var read = new StringBuilder();
        while (!read.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var count = await stream.ReadAsync(buffer, timeout.Token);
            if (count == 0)
            {
                break;
            }
            read.Append(Encoding.ASCII.GetString(buffer, 0, count));
        }
        await stream.WriteAsync(Encoding.ASCII.GetBytes(response), timeout.Token);
    }

    [Fact]
    public void A_service_that_refuses_to_start_writes_a_fatal_line_whose_variable_the_reader_names()
    {
        var refusal = Assert.Throws<ServiceConfigurationException>(() => ServiceVariables.Check(ServiceCatalog.Database,
            name => name == "CHAOS_FAILURE_RATE" ? "lots" : name == "DB_NAME" ? "cloudmart-db" : null));
        var output = new MemoryStream();
        JsonLogLine.WriteStartFailure(output, ServiceCatalog.Database.Name, refusal);

        var line = Assert.Single(Lines(output));
        Assert.True(line.IsFatal);
        Assert.Equal(LogLevels.Fatal, line.Level);
        Assert.Equal("CHAOS_FAILURE_RATE", line.FatalVariable);
        Assert.Equal("lots", line.Attribute(LogAttributes.Value));
        Assert.Equal(ServiceCatalog.Database.Variable("CHAOS_FAILURE_RATE").Expected, line.Attribute(LogAttributes.Expected));
        Assert.StartsWith("FATAL: CHAOS_FAILURE_RATE has the value 'lots'", line.Message, StringComparison.Ordinal);
    }

    static List<LogLine> Lines(MemoryStream output) =>
        [.. Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(LogLine.Parse)];

    /// <summary>A loopback port nothing listens on (bound, then released), so a call to it is refused at once.</summary>
    static int ClosedLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
