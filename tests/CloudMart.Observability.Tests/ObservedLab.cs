using System.Net.Http.Json;

namespace CloudMart.Observability.Tests;

/// <summary>
/// CloudMart started as <c>cloudmart up</c> starts it (through <see cref="LocalRun"/>, on a free
/// range of ports and a scratch state folder), with a real Prometheus scraping the five services
/// and evaluating the lab's alert rules. Subclasses choose the variables (a fault, or none).
/// </summary>
public abstract class ObservedLab : LiveLab
{
    /// <summary>The five services (the gateway serves no metrics), by name.</summary>
    public IReadOnlyDictionary<string, Uri> Services =>
        Lab.Components.Where(c => c.Name != ServiceCatalog.Gateway.Name).ToDictionary(c => c.Name, c => c.Url);

    // Offsets from 21000 up, clear of the end-to-end tests' usual range and of ephemeral ports.
    protected override IEnumerable<int> PortOffsets => Offsets(21_000, 20, 500, 400);

    protected override async Task StartedAsync() =>
        Prometheus = await PrometheusServer.StartAsync(Services, [MonitoringFiles.AlertRules]);

    /// <summary>
    /// Places <paramref name="count"/> orders through the gateway, at most <paramref name="concurrency"/>
    /// at a time (one by default, as the guide's loop does); returns the status codes.
    /// </summary>
    public async Task<List<int>> PlaceOrdersAsync(int count, int concurrency = 1)
    {
        var codes = new System.Collections.Concurrent.ConcurrentBag<int>();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, cancel) =>
        {
            using var response = await Http.PostAsJsonAsync(new Uri(Lab.GatewayUrl, "/api/orders"),
                new { item = $"observe-{i}", quantity = 1 }, cancel);
            codes.Add((int)response.StatusCode);
        });
        return [.. codes];
    }

    /// <summary>
    /// Places one order and waits until Prometheus has scraped its checkout series. A series is
    /// born with its first request, and <c>rate()</c> cannot count the requests that came before
    /// Prometheus first saw it; a running system's series exist already, so the tests start there too.
    /// </summary>
    public async Task CheckoutSeriesScrapedAsync()
    {
        var code = (await PlaceOrdersAsync(1)).Single();
        var series = await Prometheus.WaitForSeriesAsync(
            $"http_server_request_duration_seconds_count{{service=\"api-service\", http_route=\"/api/orders\", http_request_method=\"POST\", http_response_status_code=\"{code}\"}}",
            TimeSpan.FromSeconds(30));
        Assert.NotEqual(0, series.GetArrayLength());
    }
}

/// <summary>The healthy system, as <c>cloudmart up</c> runs it.</summary>
public sealed class HealthyLab : ObservedLab;

/// <summary>
/// The system with the database-service failing every store call (fault 8 turned all the way up),
/// so every checkout fails and the error-rate rule has something to see.
/// </summary>
public sealed class FailingStoreLab : ObservedLab
{
    protected override IReadOnlyDictionary<string, IReadOnlyDictionary<string, string?>> Overrides { get; } =
        Override(ServiceCatalog.Database, "CHAOS_FAILURE_RATE", "1");
}
