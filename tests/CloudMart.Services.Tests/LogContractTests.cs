using System.Net;
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
