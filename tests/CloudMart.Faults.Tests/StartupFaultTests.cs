using CloudMart.ServiceDefaults;

namespace CloudMart.Faults.Tests;

/// <summary>Fault 1 (DB_NAME missing) and the start-up checks behind fault 8's variable.</summary>
public sealed class StartupFaultTests : IDisposable
{
    readonly string _dataDir = Directory.CreateTempSubdirectory("cloudmart-fault-").FullName;

    [Fact]
    public async Task Fault1_database_service_without_DB_NAME_logs_one_fatal_line_naming_it_and_exits_1_within_2_seconds()
    {
        var started = Stopwatch.StartNew();
        using var service = ServiceProcess.StartDll("database-service", new Dictionary<string, string>
        {
            ["PORT"] = LoopbackServer.FreePort().ToString(),
            ["DATA_DIR"] = _dataDir,
        });

        Assert.True(await service.WaitForExitAsync(TimeSpan.FromSeconds(10)), "the service kept running without DB_NAME");
        var elapsed = started.Elapsed;

        Assert.Equal(1, service.ExitCode);
        Assert.True(elapsed < TimeSpan.FromSeconds(2), $"took {elapsed.TotalMilliseconds:0} ms to give up");
        var line = Assert.Single(service.Lines);
        using var json = JsonDocument.Parse(line);
        Assert.Equal("fatal", json.RootElement.GetProperty("level").GetString());
        Assert.Equal("database-service", json.RootElement.GetProperty("service").GetString());
        Assert.StartsWith("FATAL: DB_NAME is not set", json.RootElement.GetProperty("message").GetString());
        Assert.Equal("DB_NAME", json.RootElement.GetProperty("attributes").GetProperty("variable").GetString());
        Assert.Empty(Directory.GetFiles(_dataDir));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    [InlineData("50%")]
    public async Task Fault8_a_chaos_rate_that_is_not_a_number_from_0_to_1_stops_the_start_with_a_message_naming_it(string rate)
    {
        using var service = ServiceProcess.StartDll("database-service", new Dictionary<string, string>
        {
            ["PORT"] = LoopbackServer.FreePort().ToString(),
            ["DATA_DIR"] = _dataDir,
            ["DB_NAME"] = "cloudmart-db",
            ["CHAOS_FAILURE_RATE"] = rate,
        });

        Assert.True(await service.WaitForExitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, service.ExitCode);
        var line = Assert.Single(service.Lines);
        Assert.Contains($"CHAOS_FAILURE_RATE has the value '{rate}'", line);
        Assert.Contains("a number from 0 to 1", line);
    }

    [Fact]
    public void Fault1_the_catalog_is_where_DB_NAME_is_declared_required()
    {
        var dbName = ServiceCatalog.Database.Variable("DB_NAME");
        Assert.True(dbName.Required);
        Assert.Null(dbName.Default);
        Assert.True(ServiceVariables.IsValid(dbName, "cloudmart-db"));
    }

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);
}
