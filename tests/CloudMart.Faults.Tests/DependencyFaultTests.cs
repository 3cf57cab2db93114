using System.Net;

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
    public async Task Fault8_chaos_rate_one_half_fails_about_half_of_the_orders_slowly_with_500_and_every_attempt_at_one_again()
    {
        const int Stores = 200;
        var (database, port) = await StartDatabaseAsync("0.5");
        using (database)
        {
            // 50 at a time: each injected failure holds its call for seconds, as a lock wait would.
            using var gate = new SemaphoreSlim(50);
            var outcomes = await Task.WhenAll(Enumerable.Range(0, Stores).Select(async i =>
            {
                await gate.WaitAsync();
                try
                {
                    var clock = System.Diagnostics.Stopwatch.StartNew();
                    using var response = await StoreAdmitted(port, $"chaos-{i}");
                    var body = await response.Content.ReadAsStringAsync();
                    return (Id: $"chaos-{i}", response.StatusCode, Body: body, Took: clock.Elapsed);
                }
                finally
                {
                    gate.Release();
                }
            }));
            var failed = outcomes.Where(o => o.StatusCode == HttpStatusCode.InternalServerError).ToList();
            Assert.All(outcomes.Except(failed), o => Assert.Equal(HttpStatusCode.Created, o.StatusCode));
            Assert.All(failed, o => Assert.Contains("Injected failure", o.Body));
            // A failed store answers only after the lock-wait time (3 s), never at once.
            Assert.All(failed, o => Assert.True(o.Took >= TimeSpan.FromSeconds(2.9), $"{o.Id} failed after {o.Took.TotalMilliseconds:0} ms"));

            // Binomial(200, 0.5): 70..130 is more than four standard deviations either side.
            Assert.InRange(failed.Count, 70, 130);
            var listed = await _http.GetFromJsonAsync<JsonElement>($"http://127.0.0.1:{port}/orders?limit=1000");
            Assert.Equal(Stores - failed.Count, listed.GetProperty("count").GetInt32());

            // The decision belongs to the order: attempting a failed one again fails again.
            var again = await Task.WhenAll(failed.Take(5).Select(o => StoreAdmitted(port, o.Id)));
            Assert.All(again, r => Assert.Equal(HttpStatusCode.InternalServerError, r.StatusCode));
            await Task.Delay(200);
            Assert.Equal(failed.Count + 5, database.Lines.Count(l => l.Contains("Injected failure: CHAOS_FAILURE_RATE=0.5", StringComparison.Ordinal)));
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
                Assert.Equal(HttpStatusCode.Created, (await StoreAdmitted(port, $"calm-{i}")).StatusCode);
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

    /// <summary>A store that waits out a checkpoint pause (503 + Retry-After) as a well-behaved client does.</summary>
    async Task<HttpResponseMessage> StoreAdmitted(int port, string id)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await Store(port, id);
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || attempt == 3)
            {
                return response;
            }
            response.Dispose();
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    Task<HttpResponseMessage> Store(int port, string id) =>
        _http.PostAsJsonAsync($"http://127.0.0.1:{port}/store", new { id, item = "laptop", quantity = 1, timestamp = DateTimeOffset.UtcNow });

    public void Dispose()
    {
        _http.Dispose();
        Directory.Delete(_dataDir, recursive: true);
    }
}
