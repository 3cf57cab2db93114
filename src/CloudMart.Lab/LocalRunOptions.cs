namespace CloudMart.Lab;

/// <summary>What a local run needs: where things are, which ports, which build, which nginx.</summary>
public sealed record LocalRunOptions
{
    public required LabLayout Layout { get; init; }

    public LabPorts Ports { get; init; } = LabPorts.Default;

    public required ServiceBinaries Binaries { get; init; }

    public required string NginxPath { get; init; }

    /// <summary>How long every component together may take to answer /health.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Whether to send a few requests that change nothing once every component is healthy (see
    /// <see cref="LocalRun.WarmUpAsync"/>), so the first real order is not the one that pays for
    /// compiling the code paths.
    /// </summary>
    public bool WarmUp { get; init; } = true;

    /// <summary>How long a component gets after SIGTERM before it is killed.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Changes to a service's healthy variables, by service name; a null value removes the
    /// variable. For tests and for running the system with a fault put in on purpose.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string?>> VariableOverrides { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, string?>>();

    /// <summary>The lab faults to put back (<c>up --fault N</c>); none by default, so the run is healthy.</summary>
    public LabFaultSelection Faults { get; init; } = LabFaultSelection.None;

    /// <summary>The Aspire Dashboard and Prometheus to run beside the system (<c>up --observe</c>); null for none.</summary>
    public ObserveSetup? Observe { get; init; }
}
