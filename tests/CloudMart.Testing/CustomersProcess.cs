using System.Text.Json;
using CloudMart.Lab;
using CloudMart.Catalog;

namespace CloudMart.Testing;

/// <summary>One summary line of the customers' log, as its attributes say it.</summary>
public sealed record CustomersSummaryLine(int Tried, int Succeeded, int Failed, string FailedByStatus, double? P95Seconds, double? MaxSeconds);

/// <summary>
/// The customers program run as a real process (the framework-dependent build, as <c>cloudmart up</c>
/// runs the services), its log in a scratch folder. Stopped, if still running, on dispose.
/// </summary>
public sealed class CustomersProcess : IDisposable
{
    readonly string _folder = Directory.CreateTempSubdirectory("cloudmart-customers-").FullName;
    readonly ChildProcess _process;

    CustomersProcess(IReadOnlyDictionary<string, string> environment)
    {
        var layout = new LabLayout(TestMachine.RepositoryRoot, _folder);
        var binaries = ServiceBinaries.Build(TestMachine.Configuration);
        if (binaries.Missing(TrafficSource.Customers, layout) is { } missing)
        {
            throw new InvalidOperationException(missing);
        }
        _process = ChildProcess.Start(TrafficSource.Customers.Name, binaries.For(TrafficSource.Customers, layout), environment,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"], Path.Combine(_folder, "customers.log"), _folder);
        MetricsUrl = new Uri($"http://127.0.0.1:{environment["PORT"]}/metrics");
    }

    public Uri MetricsUrl { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the customers against <paramref name="target"/>, for a bounded time, with a short summary interval.</summary>
    public static CustomersProcess Start(Uri target, int durationSeconds, int summarySeconds, double checkoutsPerSecond,
        IReadOnlyDictionary<string, string>? more = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["PORT"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["TARGET_URL"] = target.ToString(),
            ["DURATION_SECONDS"] = durationSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SUMMARY_INTERVAL_SECONDS"] = summarySeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["CHECKOUTS_PER_SECOND"] = checkoutsPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["CHECKOUT_TIMEOUT_SECONDS"] = "5",
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }
        return new CustomersProcess(environment);
    }

    /// <summary>A port nothing listens on now, in a range clear of the local runs' and of the kernel's ephemeral ports.</summary>
    public static int FreePort()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var port = Random.Shared.Next(26_000, 28_000);
            if (PortCheck.IsFree(port))
            {
                return port;
            }
        }
        throw new InvalidOperationException("no free port found in 26000-27999");
    }

    /// <summary>Waits for the program to end by itself; its exit code, or null when it was still running after <paramref name="timeout"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        await Task.WhenAny(_process.Exited, Task.Delay(timeout));
        return _process.ExitCode;
    }

    public IReadOnlyList<string> LogLines => File.ReadAllLines(_process.LogFile);

    public string LogTail => _process.LogTail(30);

    public IReadOnlyList<CustomersSummaryLine> Summaries => LogLines
        .Where(l => l.Contains("\"event\":\"CustomersSummary\"", StringComparison.Ordinal))
        .Select(ParseSummary)
        .ToList();

    static CustomersSummaryLine ParseSummary(string line)
    {
        using var json = JsonDocument.Parse(line);
        var a = json.RootElement.GetProperty("attributes");
        static double? Seconds(JsonElement e) => e.ValueKind == JsonValueKind.Number ? e.GetDouble() : null;
        return new CustomersSummaryLine(a.GetProperty("Tried").GetInt32(), a.GetProperty("Succeeded").GetInt32(), a.GetProperty("Failed").GetInt32(),
            a.GetProperty("FailedByStatus").GetString()!, Seconds(a.GetProperty("P95Seconds")), Seconds(a.GetProperty("MaxSeconds")));
    }

    /// <summary>The program's Prometheus text, read while it runs.</summary>
    public static async Task<string> ScrapeAsync(HttpClient http, Uri metrics)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await http.GetStringAsync(metrics);
            }
            catch (HttpRequestException) when (attempt < 40)
            {
                // Still starting.
                await Task.Delay(250);
            }
        }
    }

    public void Dispose()
    {
        _process.StopAsync(TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
        _process.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
