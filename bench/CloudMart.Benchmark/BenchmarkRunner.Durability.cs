using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;

namespace CloudMart.Benchmark;

public sealed partial class BenchmarkRunner
{
    /// <summary>
    /// Orders from 16 concurrent clients; after 2 s the database-service is killed with SIGKILL.
    /// The system is then started again on the same data, and every order that was answered 200
    /// must be there.
    /// </summary>
    async Task<DurabilityResult> CheckDurabilityAsync(CancellationToken stop)
    {
        var layout = new LabLayout(settings.RepositoryRoot, Path.Combine(_stateRoot, "durability"));
        console.MarkupLine("[bold]durability[/]: orders from 16 clients, kill -9 of the database-service after 2 s, restart, look for every acknowledged order…");
        var acknowledged = new ConcurrentBag<string>();
        var kill = new KillWatch();
        var lab = await LocalRun.StartAsync(RunOptions(layout, []), null, stop);
        await using (lab)
        {
            var clock = Stopwatch.StartNew();
            var orders = new Uri(lab.GatewayUrl, OrdersPath);
            var clients = Enumerable.Range(0, 16).Select(_ => Task.Run(() => SendOrdersAsync(orders, clock, acknowledged, kill, stop), stop)).ToArray();

            await Task.Delay(TimeSpan.FromSeconds(2), stop);
            var database = lab[ServiceCatalog.Database.Name];
            ProcessInfo.Signal(database.Pid, ProcessInfo.SIGKILL);
            Volatile.Write(ref kill.Killed, 1);
            await Task.WhenAll(clients);
            await lab.StopAsync();
        }

        var ids = acknowledged.Distinct().ToArray();
        var relaunched = await LocalRun.StartAsync(RunOptions(layout, []), null, stop);
        var missing = new ConcurrentBag<string>();
        await using (relaunched)
        {
            var database = relaunched[ServiceCatalog.Database.Name].Url;
            await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = stop }, async (id, token) =>
            {
                using var response = await Http.GetAsync(new Uri(database, "/orders/" + Uri.EscapeDataString(id)), token);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    missing.Add(id);
                }
            });
            await relaunched.StopAsync();
        }
        var summary = missing.IsEmpty
            ? $"all {ids.Length} acknowledged orders were there after kill -9 and restart"
            : $"{missing.Count} of {ids.Length} acknowledged orders were lost";
        console.MarkupLineInterpolated($"  {summary} ({kill.FailedAfterKill} orders failed after the kill, as they should)");
        return new DurabilityResult(ids.Length, ids.Length - missing.Count, missing.Count, [.. missing.Take(20)], kill.FailedAfterKill, summary);
    }

    /// <summary>Whether the database-service has been killed yet, and how many orders failed since.</summary>
    sealed class KillWatch
    {
        public int Killed;
        public int FailedAfterKill;
    }

    /// <summary>One client: orders one after another for 3.5 s, noting each one answered 200 and each failure after the kill.</summary>
    static async Task SendOrdersAsync(Uri orders, Stopwatch clock, ConcurrentBag<string> acknowledged, KillWatch kill, CancellationToken stop)
    {
        for (var sent = 0; sent < 50_000 && clock.Elapsed < TimeSpan.FromSeconds(3.5); sent++)
        {
            stop.ThrowIfCancellationRequested();
            try
            {
                using var content = new StringContent(OrderBody, Encoding.UTF8, "application/json");
                using var response = await Http.PostAsync(orders, content, stop);
                var body = await response.Content.ReadAsStringAsync(stop);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    using var json = JsonDocument.Parse(body);
                    acknowledged.Add(json.RootElement.GetProperty("order").GetProperty("id").GetString()!);
                }
                else if (Volatile.Read(ref kill.Killed) == 1)
                {
                    Interlocked.Increment(ref kill.FailedAfterKill);
                }
            }
            catch (HttpRequestException) when (Volatile.Read(ref kill.Killed) == 1)
            {
                Interlocked.Increment(ref kill.FailedAfterKill);
            }
        }
    }
}
