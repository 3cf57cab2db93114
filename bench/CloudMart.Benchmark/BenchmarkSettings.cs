namespace CloudMart.Benchmark;

/// <summary>What a benchmark run was asked for, from its options.</summary>
public sealed record BenchmarkSettings
{
    public required string RepositoryRoot { get; init; }

    /// <summary>Load at the highest level before anything is measured, so pools, caches and heaps have grown.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long each level and each reference runs.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(15);

    public IReadOnlyList<int> Connections { get; init; } = [1, 16, 64];

    /// <summary>The level of the references (nginx's /health, a service's /health) and of the telemetry-off pass.</summary>
    public int ReferenceConnections { get; init; } = 64;

    public int WrkThreads { get; init; } = 2;

    /// <summary>Added to every component's local port; null picks the first free range from 20000 up.</summary>
    public int? PortOffset { get; init; }

    public bool TelemetryOffPass { get; init; } = true;

    public bool DurabilityCheck { get; init; }

    /// <summary>How many times each service is started alone to time its start-up; 0 skips it.</summary>
    public int StartupRepeats { get; init; } = 3;

    /// <summary>
    /// Extra environment variables for all five services in every pass (a runtime knob to try, such
    /// as DOTNET_GCgen0size), on top of the local run's configuration.
    /// </summary>
    public IReadOnlyDictionary<string, string> ExtraEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Where results-TIMESTAMP.json, latest.json and the run's logs go.</summary>
    public string? OutputDirectory { get; init; }

    public string Output => Path.GetFullPath(OutputDirectory ?? Path.Combine("artifacts", "bench"), RepositoryRoot);
}
