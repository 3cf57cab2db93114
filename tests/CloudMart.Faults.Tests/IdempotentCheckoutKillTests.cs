using System.Collections.Concurrent;
using System.Net;

namespace CloudMart.Faults.Tests;

/// <summary>
/// A client that retries every checkout with its Idempotency-Key until it is acknowledged, while the
/// database-service process is killed with SIGKILL twice and started again on the same file: every
/// order ends up stored exactly once, and every stored order was acknowledged.
/// </summary>
public sealed class IdempotentCheckoutKillTests(ITestOutputHelper output) : IDisposable
{
    const int Orders = 160;
    const int Workers = 8;
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(150);

    readonly string _dataDir = Directory.CreateTempSubdirectory("cloudmart-kill-").FullName;
    readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(15) };
    readonly int _databasePort = LoopbackServer.FreePort();

    ServiceProcess StartDatabase() => ServiceProcess.StartDll("database-service", new Dictionary<string, string>
    {
        ["PORT"] = _databasePort.ToString(CultureInfo.InvariantCulture),
        ["DB_NAME"] = "cloudmart-db",
        ["DATA_DIR"] = _dataDir,
        ["CHAOS_FAILURE_RATE"] = "0",
    });

    [Fact]
    public async Task Retrying_with_an_idempotency_key_across_kill_9_of_the_database_stores_each_acknowledged_order_once()
    {
        var database = StartDatabase();
        await database.WaitHealthyAsync(_databasePort, TimeSpan.FromSeconds(60));
        var orderPort = LoopbackServer.FreePort();
        using var orders = ServiceProcess.StartDll("order-service", new Dictionary<string, string>
        {
            ["PORT"] = orderPort.ToString(CultureInfo.InvariantCulture),
            ["DATABASE_URL"] = $"http://127.0.0.1:{_databasePort}",
            ["NOTIFICATION_URL"] = $"http://127.0.0.1:{LoopbackServer.FreePort()}",
        });
        await orders.WaitHealthyAsync(orderPort, TimeSpan.FromSeconds(60));

        var run = Guid.NewGuid().ToString("N")[..8];
        var acknowledged = new ConcurrentDictionary<string, string>();
        var failedBeforeAck = new ConcurrentDictionary<string, int>();
        var attempts = 0;
        var failures = 0;
        var clock = Stopwatch.StartNew();
        var next = -1;

        async Task Work()
        {
            for (var i = Interlocked.Increment(ref next); i < Orders; i = Interlocked.Increment(ref next))
            {
                var key = $"{run}-{i}";
                while (clock.Elapsed < Deadline)
                {
                    Interlocked.Increment(ref attempts);
                    if (await TryCheckoutAsync(orderPort, key, i) is { } id)
                    {
                        acknowledged[key] = id;
                        break;
                    }
                    Interlocked.Increment(ref failures);
                    failedBeforeAck.AddOrUpdate(key, 1, (_, n) => n + 1);
                    await Task.Delay(100);
                }
            }
        }

        var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(Work)).ToArray();
        var kills = 0;
        foreach (var threshold in new[] { Orders / 4, Orders / 2 })
        {
            while (acknowledged.Count < threshold && clock.Elapsed < Deadline && !workers.All(w => w.IsCompleted))
            {
                await Task.Delay(20);
            }
            // Dispose sends SIGKILL: no shutdown code of the service runs.
            database.Dispose();
            kills++;
            await Task.Delay(300);
            database = StartDatabase();
            await database.WaitHealthyAsync(_databasePort, TimeSpan.FromSeconds(60));
        }
        await Task.WhenAll(workers);

        var stored = await StoredIdsAsync();
        database.Dispose();
        var acknowledgedIds = acknowledged.Values.ToHashSet();
        output.WriteLine($"kill -9 of the database-service: {kills}; checkouts: {Orders}; attempts: {attempts}; failed attempts (5xx or no answer): {failures}");
        output.WriteLine($"keys that failed at least once before their acknowledgement: {failedBeforeAck.Count(k => acknowledged.ContainsKey(k.Key))}");
        output.WriteLine($"acknowledged: {acknowledgedIds.Count}; stored: {stored.Count}; stored but never acknowledged: {stored.Except(acknowledgedIds).Count()}; acknowledged but not stored: {acknowledgedIds.Except(stored).Count()}");

        Assert.Equal(2, kills);
        Assert.Equal(Orders, acknowledgedIds.Count);
        Assert.Equal(Orders, stored.Count);
        Assert.Equal(acknowledgedIds.Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
    }

    /// <summary>The acknowledged order id, or null when this attempt failed in any way.</summary>
    async Task<string?> TryCheckoutAsync(int port, string key, int i)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}/orders")
        {
            Content = JsonContent.Create(new { item = $"kill-test-{i % 7}", quantity = 1 + i % 5 }),
        };
        request.Headers.Add("Idempotency-Key", key);
        try
        {
            using var response = await _http.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                Assert.True((int)response.StatusCode >= 500, $"a retry of {key} was refused with {(int)response.StatusCode}");
                return null;
            }
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            return body.GetProperty("order").GetProperty("id").GetString();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    async Task<List<string>> StoredIdsAsync()
    {
        var list = await _http.GetFromJsonAsync<JsonElement>($"http://127.0.0.1:{_databasePort}/orders?limit=1000");
        return [.. list.GetProperty("orders").EnumerateArray().Select(o => o.GetProperty("id").GetString()!)];
    }

    public void Dispose()
    {
        _http.Dispose();
        Directory.Delete(_dataDir, recursive: true);
    }
}
