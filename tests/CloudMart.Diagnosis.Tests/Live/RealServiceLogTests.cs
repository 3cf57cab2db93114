using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using CloudMart.Diagnosis.Live;
using CloudMart.Catalog;

namespace CloudMart.Diagnosis.Tests.Live;

/// <summary>
/// The log lines the live diagnosis reads, written by the real services (their builds, run as
/// processes on 127.0.0.1) rather than by the fake cluster: a change to a service's messages that
/// the diagnosis no longer recognises fails here.
/// </summary>
public sealed class RealServiceLogTests : IDisposable
{
    readonly string _dataDir = Directory.CreateTempSubdirectory("cloudmart-real-logs-").FullName;
    readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };

    public void Dispose()
    {
        _http.Dispose();
        Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task Database_service_without_db_name_writes_the_fatal_line_the_diagnosis_matches_to_fault_1()
    {
        using var database = ServiceProcess.StartDll("database-service", new Dictionary<string, string> { ["PORT"] = FreePort(), ["DATA_DIR"] = _dataDir });

        Assert.True(await database.WaitForExitAsync(TimeSpan.FromSeconds(20)), "database-service should refuse to start without DB_NAME");

        var fatal = database.Lines.Select(LogLine.Parse).Single(l => l.IsFatal);
        Assert.Equal("DB_NAME", fatal.FatalVariable);
        Assert.StartsWith("FATAL: DB_NAME is not set", fatal.Message, StringComparison.Ordinal);
        Assert.Equal(1, LabFaults.Match(CheckNames.Variables, ServiceCatalog.Database.Name, fatal.FatalVariable)?.Number);
    }

    [Fact]
    public async Task Order_service_as_shipped_logs_its_immediate_retries_and_the_unresolvable_database_host()
    {
        var port = FreePort();
        using var order = ServiceProcess.StartDll("order-service", new Dictionary<string, string>
        {
            ["PORT"] = port,
            ["DATABASE_URL"] = "http://database:8080",
            ["NOTIFICATION_URL"] = $"http://127.0.0.1:{FreePort()}",
        });
        await order.WaitHealthyAsync(int.Parse(port, CultureInfo.InvariantCulture), TimeSpan.FromSeconds(20));

        var response = await _http.PostAsJsonAsync($"http://127.0.0.1:{port}/orders", new { item = "laptop", quantity = 1 });
        Assert.True((int)response.StatusCode >= 500, $"got {(int)response.StatusCode}");
        var lines = await order.WaitForLinesAsync(l => LogLine.Parse(l).DependencyFailure is not null, TimeSpan.FromSeconds(10));

        var parsed = lines.Select(LogLine.Parse).ToList();
        Assert.Contains(parsed, l => l.RetriesImmediately == true && l.Event == "RetryPolicyImmediate");
        var failure = parsed.Select(l => l.DependencyFailure).First(f => f is not null)!;
        Assert.Equal(("database-service", "POST", "http://database:8080/store", "database"), (failure.Dependency, failure.Method, failure.Url, failure.Host));
    }

    [Fact]
    public async Task Database_service_with_chaos_logs_injected_failures_the_diagnosis_recognises()
    {
        var port = FreePort();
        using var database = ServiceProcess.StartDll("database-service", new Dictionary<string, string>
        {
            ["PORT"] = port, ["DB_NAME"] = "cloudmart-db", ["DATA_DIR"] = _dataDir, ["CHAOS_FAILURE_RATE"] = "1",
        });
        await database.WaitHealthyAsync(int.Parse(port, CultureInfo.InvariantCulture), TimeSpan.FromSeconds(20));

        var response = await _http.PostAsJsonAsync($"http://127.0.0.1:{port}/store", new { id = "ord-1", item = "laptop", quantity = 1, timestamp = DateTimeOffset.UtcNow });
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var lines = await database.WaitForLinesAsync(l => LogLine.Parse(l).IsInjectedFailure, TimeSpan.FromSeconds(10));

        Assert.Contains(lines.Select(LogLine.Parse), l => l.IsInjectedFailure && l.Event == "ChaosInjectedFailure");
    }

    static string FreePort() => LoopbackServer.FreePort().ToString(CultureInfo.InvariantCulture);
}
