using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CloudMart.Faults.Tests;

/// <summary>Fault 3 (a DATABASE_URL naming no Service) and fault 8 (chaos in the database-service), with real processes.</summary>
public sealed class DependencyFaultTests : IDisposable
{
    readonly string _dataDir = Directory.CreateTempSubdirectory("cloudmart-fault-").FullName;
    readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Theory]
    [InlineData("http://database:8080", "http://database:8080/store")]
    [InlineData("http://127.0.0.1:{closed}", "http://127.0.0.1:{closed}/store")]
    public async Task Fault3_order_service_with_a_wrong_DATABASE_URL_answers_each_order_with_a_5xx_naming_the_dependency_logs_the_url_and_stays_up(string databaseUrl, string expectedUrl)
    {
        var closed = LoopbackServer.FreePort().ToString(CultureInfo.InvariantCulture);
        databaseUrl = databaseUrl.Replace("{closed}", closed, StringComparison.Ordinal);
        expectedUrl = expectedUrl.Replace("{closed}", closed, StringComparison.Ordinal);
        var port = LoopbackServer.FreePort();
        using var order = ServiceProcess.StartDll("order-service", new Dictionary<string, string>
        {
            ["PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["DATABASE_URL"] = databaseUrl,
            ["NOTIFICATION_URL"] = $"http://127.0.0.1:{LoopbackServer.FreePort()}",
        });
        await order.WaitHealthyAsync(port, TimeSpan.FromSeconds(20));

        for (var i = 0; i < 3; i++)
        {
            var response = await _http.PostAsJsonAsync($"http://127.0.0.1:{port}/orders", new { item = $"item-{i}", quantity = 1 });
            Assert.True((int)response.StatusCode >= 500, $"got {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
            // The body names the dependency and the kind of failure; the URL is in the error log line below.
            Assert.DoesNotContain(expectedUrl, detail, StringComparison.Ordinal);
            Assert.Contains("database-service", detail, StringComparison.Ordinal);
            Assert.Matches("(refused|resolve)", detail);
        }

        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync($"http://127.0.0.1:{port}/health")).StatusCode);
        Assert.False(order.HasExited);
        await Task.Delay(200);
        var errors = order.Lines.Where(l => l.Contains("\"level\":\"error\"", StringComparison.Ordinal) && l.Contains(expectedUrl, StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count >= 3, "each failed order should log an error naming the URL:\n" + string.Join('\n', order.Lines));
    }

    [Fact]
    public async Task Fault8_chaos_rate_one_half_fails_about_half_of_the_stores_with_500_and_says_so_in_the_log()
    {
        const int Stores = 200;
        var (database, port) = await StartDatabaseAsync("0.5");
        using (database)
        {
            var failed = 0;
            for (var i = 0; i < Stores; i++)
            {
                var response = await Store(port, $"chaos-{i}");
                if (response.StatusCode == HttpStatusCode.InternalServerError)
                {
                    failed++;
                    Assert.Contains("Injected failure", await response.Content.ReadAsStringAsync());
                }
                else
                {
                    Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                }
            }

            // Binomial(200, 0.5): 70..130 is more than four standard deviations either side.
            Assert.InRange(failed, 70, 130);
            var listed = await _http.GetFromJsonAsync<JsonElement>($"http://127.0.0.1:{port}/orders?limit=1000");
            Assert.Equal(Stores - failed, listed.GetProperty("count").GetInt32());
            await Task.Delay(200);
            Assert.Equal(failed, database.Lines.Count(l => l.Contains("Injected failure: CHAOS_FAILURE_RATE=0.5", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task Fault8_chaos_rate_zero_fails_no_store()
    {
        var (database, port) = await StartDatabaseAsync("0");
        using (database)
        {
            for (var i = 0; i < 100; i++)
            {
                Assert.Equal(HttpStatusCode.Created, (await Store(port, $"calm-{i}")).StatusCode);
            }
            Assert.DoesNotContain(database.Lines, l => l.Contains("Injected failure", StringComparison.Ordinal));
        }
    }

    async Task<(ServiceProcess Process, int Port)> StartDatabaseAsync(string chaosRate)
    {
        var port = LoopbackServer.FreePort();
        var database = ServiceProcess.StartDll("database-service", new Dictionary<string, string>
        {
            ["PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["DB_NAME"] = "cloudmart-db",
            ["DATA_DIR"] = _dataDir,
            ["CHAOS_FAILURE_RATE"] = chaosRate,
        });
        await database.WaitHealthyAsync(port, TimeSpan.FromSeconds(20));
        return (database, port);
    }

    Task<HttpResponseMessage> Store(int port, string id) =>
        _http.PostAsJsonAsync($"http://127.0.0.1:{port}/store", new { id, item = "laptop", quantity = 1, timestamp = DateTimeOffset.UtcNow });

    public void Dispose()
    {
        _http.Dispose();
        Directory.Delete(_dataDir, recursive: true);
    }
}
