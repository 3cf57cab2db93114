using System.Diagnostics;
using System.Text;

namespace CloudMart.Testing;

/// <summary>The outcome of one order of the guide's loop: its HTTP status and how long it took.</summary>
public sealed record LoopOrder(int Status, TimeSpan Took);

/// <summary>
/// The guide's 20 orders (<c>POST /api/orders</c> with a laptop, no token) through the gateway.
/// They are sent at once rather than one after the other: each order's fate is its own, and the
/// test then takes as long as the slowest order instead of the sum of all.
/// </summary>
public static class GuideLoop
{
    public const int Orders = 20;

    public static async Task<IReadOnlyList<LoopOrder>> RunAsync(HttpClient http, Uri gateway)
    {
        return await Task.WhenAll(Enumerable.Range(0, Orders).Select(_ => SendAsync(http, gateway, "laptop")));
    }

    /// <summary>
    /// The loop as the guide writes it: <c>item-1</c> to <c>item-20</c>, one after the other, with
    /// <paramref name="pause"/> between them (the guide's <c>sleep 1</c>).
    /// </summary>
    public static async Task<IReadOnlyList<LoopOrder>> RunInTurnAsync(HttpClient http, Uri gateway, TimeSpan pause)
    {
        var orders = new List<LoopOrder>();
        for (var i = 1; i <= Orders; i++)
        {
            orders.Add(await SendAsync(http, gateway, $"item-{i}"));
            await Task.Delay(pause);
        }
        return orders;
    }

    static async Task<LoopOrder> SendAsync(HttpClient http, Uri gateway, string item)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            using var content = new StringContent($"{{\"item\": \"{item}\", \"quantity\": 1}}", Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(new Uri(gateway, "/api/orders"), content);
            return new LoopOrder((int)response.StatusCode, clock.Elapsed);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return new LoopOrder(0, clock.Elapsed);
        }
    }

    /// <summary>The 95th percentile of the orders' times, nearest rank.</summary>
    public static TimeSpan P95(IReadOnlyList<LoopOrder> orders)
    {
        var sorted = orders.Select(o => o.Took).Order().ToList();
        return sorted[(int)Math.Ceiling(0.95 * sorted.Count) - 1];
    }

    public static string Describe(IReadOnlyList<LoopOrder> orders) =>
        string.Join(", ", orders.Select(o => $"{o.Status} in {o.Took.TotalSeconds:0.0} s"));
}
