using System.Text.Json;
using System.Text.Json.Serialization;

namespace CloudMart.Benchmark;

/// <summary>Everything one benchmark run measured; written as artifacts/bench/results-TIMESTAMP.json.</summary>
public sealed record BenchmarkResults
{
    public int SchemaVersion { get; init; } = 1;

    public required DateTimeOffset Started { get; init; }

    public DateTimeOffset Finished { get; set; }

    public required MachineInfo Machine { get; init; }

    public required RunSettings Settings { get; init; }

    /// <summary>Time from a service's process start to its first healthy /health, each service started alone.</summary>
    public List<StartupFigure> StartupAlone { get; } = [];

    public PassResult? TelemetryOn { get; set; }

    public PassResult? TelemetryOff { get; set; }

    /// <summary>Orders/s at the highest level ÷ nginx's own /health requests/s, in the telemetry-on pass.</summary>
    public double? OrdersPerNginxHealth { get; set; }

    public TelemetryCost? Telemetry { get; set; }

    public DurabilityResult? Durability { get; set; }

    public List<TargetCheck> Targets { get; } = [];

    /// <summary>Load averages (1, 5, 15 min) when the run ended.</summary>
    public double[]? LoadAverageAtEnd { get; set; }

    public List<string> Notes { get; } = [];
}

public sealed record MachineInfo(
    string Host, int Cores, string CpuModel, string Kernel, long MemoryMiB,
    double[] LoadAverageAtStart, double BusyCoresAtStart, string Wrk, string Nginx, string DotnetRuntime, string? GitCommit, bool? GitDirty);

public sealed record RunSettings(
    double WarmupSeconds, double DurationSeconds, int[] Connections, int ReferenceConnections,
    int WrkThreads, int PortOffset, string Binaries, string Body, bool TelemetryOffPass, bool DurabilityCheck,
    Dictionary<string, string> ExtraEnvironment);

public sealed record StartupFigure(string Service, double MedianMs, double MinMs, double MaxMs, double[] SamplesMs);

/// <summary>One start of the system (telemetry on or off) and what was measured on it.</summary>
public sealed record PassResult
{
    public required string Name { get; init; }

    /// <summary>The variables set (null: removed) on top of the local run's configuration, in every service.</summary>
    public required Dictionary<string, string?> VariableOverrides { get; init; }

    /// <summary>Each component's time to its first healthy /health as the lab saw it, all six started at once (polled every 50 ms).</summary>
    public Dictionary<string, double> StartupInRunMs { get; } = [];

    /// <summary>Resident memory just after start, before any load.</summary>
    public Dictionary<string, MemoryFigure> MemoryIdle { get; } = [];

    public LevelResult? Warmup { get; set; }

    public List<LevelResult> Levels { get; } = [];

    public List<ReferenceResult> References { get; } = [];

    /// <summary>Resident memory when the pass ended (after all its load), and the peak over the pass.</summary>
    public Dictionary<string, MemoryFigure> MemoryAfter { get; } = [];

    /// <summary>What GET /metrics answered on the api-service, to show whether telemetry was really on or off.</summary>
    public string? MetricsEndpoint { get; set; }

    /// <summary>Components that exited while the pass ran (a crash under load).</summary>
    public List<string> Exited { get; } = [];
}

public sealed record MemoryFigure(double RssMib, double PeakMib);

public sealed record LatencyMs(double P50, double P90, double P99, double P999, double Max, double Mean);

/// <summary>One load level: wrk's figures and the CPU the run's processes used meanwhile.</summary>
/// <param name="SuccessfulPerSecond">2xx responses per second (orders/s for the order levels).</param>
/// <param name="CpuMsPerRequest">User + system CPU of all six components, per completed request, in milliseconds.</param>
/// <param name="Cores">Cores busy on average over the level: each component, wrk, this benchmark, everything else on the machine.</param>
public sealed record LevelResult(
    string Target, int Connections, int Threads, double Seconds,
    long Requests, long Successful, long NonSuccess, WrkErrors SocketErrors, Dictionary<string, long>? Statuses,
    double SuccessfulPerSecond, LatencyMs Latency,
    double? CpuMsPerRequest, Dictionary<string, double>? CpuMsPerRequestByComponent, Dictionary<string, double>? Cores,
    Dictionary<string, MemoryFigure>? MemoryAfter, double LoadAverage1AtStart);

public sealed record ReferenceResult(string Name, string Url, LevelResult Level);

public sealed record TelemetryCost(
    int Connections, double OrdersPerSecondOn, double OrdersPerSecondOff, double CostPercent,
    double? NginxHealthOn, double? NginxHealthOff, double? NormalizedCostPercent);

public sealed record DurabilityResult(int Acknowledged, int FoundAfterRestart, int Missing, string[] MissingIds, int FailedAfterKill, string Summary);

public sealed record TargetCheck(string Target, string Measured, bool? Met);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(BenchmarkResults))]
internal sealed partial class ResultsJson : JsonSerializerContext;

public static class ResultsFile
{
    /// <summary>
    /// Writes results-TIMESTAMP.json in <paramref name="folder"/>, and latest.json too when the run
    /// went to its end (a failed or interrupted run does not replace the last complete one). Returns the first.
    /// </summary>
    public static string Write(BenchmarkResults results, string folder, bool complete)
    {
        Directory.CreateDirectory(folder);
        var json = JsonSerializer.Serialize(results, ResultsJson.Default.BenchmarkResults);
        var file = Path.Combine(folder, $"results-{results.Started.ToUniversalTime():yyyyMMdd-HHmmss}.json");
        File.WriteAllText(file, json + "\n");
        if (complete)
        {
            File.WriteAllText(Path.Combine(folder, "latest.json"), json + "\n");
        }
        return file;
    }
}
