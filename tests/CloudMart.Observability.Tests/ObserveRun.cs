using System.Net.Http.Json;

namespace CloudMart.Observability.Tests;

/// <summary>
/// CloudMart started as <c>cloudmart up --observe</c> starts it: the Aspire Dashboard and Prometheus
/// beside the system, on a free range of ports and in a scratch state folder. Prometheus scrapes
/// and evaluates every second, with <see cref="FastRules"/>: the lab's rules file with each
/// <c>for:</c> divided by <see cref="ForDivisor"/>, so a test sees an alert go from pending to
/// firing in seconds rather than minutes. Subclasses choose the faults.
/// </summary>
public abstract partial class ObserveRun : LiveLab
{
    /// <summary>5 minutes become 10 s, 2 minutes 4 s; the expressions are untouched.</summary>
    public const int ForDivisor = 30;

    public ObservePorts ObservePorts => new(Lab.Ports.Offset);

    protected virtual LabFaultSelection Faults => LabFaultSelection.None;

    protected override async Task<LocalRunOptions> ConfigureAsync(LocalRunOptions options)
    {
        var rules = Path.Combine(StateDirectory, "cloudmart-alerts.fast.yml");
        await File.WriteAllTextAsync(rules, FastRules(await File.ReadAllTextAsync(MonitoringFiles.AlertRules)));
        return options with
        {
            Faults = Faults,
            Observe = ObserveSetup.FromMachine(options.Layout) with { RuleFiles = [rules], Interval = TimeSpan.FromSeconds(1) },
        };
    }

    protected override Task StartedAsync()
    {
        Prometheus = PrometheusServer.Attach(ObservePorts.PrometheusUrl);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Offsets whose lab and stack ports all stay under the kernel's ephemeral range (32768 and
    /// up) and apart from the other fixtures' ranges (offsets of 21000 and more).
    /// </summary>
    protected override LabPorts ChoosePorts()
    {
        for (var attempt = 0; attempt < 30; attempt++)
        {
            var ports = new LabPorts(10_000 + 100 * Random.Shared.Next(0, 36));
            if (ports.Problem() is null && ServiceCatalog.All.All(c => PortCheck.IsFree(ports.For(c))) && new ObservePorts(ports.Offset).AreFree())
            {
                return ports;
            }
        }
        throw new InvalidOperationException("no free range of ports for a run with its observe stack");
    }

    /// <summary>The rules file with every <c>for: N[smh]</c> divided by <see cref="ForDivisor"/> (at least 1 s).</summary>
    public static string FastRules(string rules) =>
        ForLine().Replace(rules, match =>
        {
            var amount = int.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
            var seconds = amount * match.Groups["unit"].Value switch { "s" => 1, "m" => 60, _ => 3600 };
            return $"{match.Groups["indent"].Value}for: {Math.Max(1, seconds / ForDivisor)}s";
        });

    [GeneratedRegex(@"^(?<indent>\s+)for: (?<n>\d+)(?<unit>[smh])\s*$", RegexOptions.Multiline)]
    private static partial Regex ForLine();

    /// <summary>Places one order through the gateway; returns its status code and the trace id from its <c>traceparent</c> header.</summary>
    public async Task<(int Status, string TraceId)> PlaceOrderAsync(string item, CancellationToken cancellationToken = default)
    {
        using var response = await Http.PostAsJsonAsync(new Uri(Lab.GatewayUrl, "/api/orders"), new { item, quantity = 1 }, cancellationToken);
        var traceparent = response.Headers.TryGetValues("traceparent", out var values) ? values.First() : "";
        var parts = traceparent.Split('-');
        return ((int)response.StatusCode, parts.Length == 4 ? parts[1] : "");
    }
}

/// <summary>The healthy system with its observe stack.</summary>
public sealed class HealthyObserveRun : ObserveRun;

/// <summary>
/// The slow-failure mechanism: fault 8 (half the stores fail, each after a wait) with fault 7 (the
/// order-service retries at once), as <c>up --fault 7 --fault 8 --observe</c> runs them.
/// </summary>
public sealed class SlowFailureObserveRun : ObserveRun
{
    protected override LabFaultSelection Faults { get; } = LabFaultSelection.Parse(["7", "8"], out _);
}
