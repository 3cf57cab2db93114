using System.Diagnostics;
using System.Globalization;

namespace CloudMart.Cli.Commands;

/// <summary>What <c>up</c> was asked for, from its options.</summary>
public sealed record UpSettings
{
    public int? GatewayPort { get; init; }

    public int PortOffset { get; init; }

    public string? DataDirectory { get; init; }

    public bool Published { get; init; }

    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The run's name; null for the one its ports give (<see cref="LabRuns.NameFor"/>).</summary>
    public string? Name { get; init; }

    /// <summary>Start in the background, return once everything is healthy.</summary>
    public bool Detach { get; init; }

    /// <summary>Start with an empty database.</summary>
    public bool Fresh { get; init; }

    public string RunName => Name ?? LabRuns.NameFor(Ports);

    /// <summary>The lab faults to run with (<c>--fault</c>); none by default.</summary>
    public LabFaultSelection Faults { get; init; } = LabFaultSelection.None;

    public LabPorts Ports => new(PortOffset, GatewayPort);

    /// <summary>Run the Aspire Dashboard and Prometheus beside the system (<c>--observe</c>).</summary>
    public bool Observe { get; init; }
}

/// <summary>The machine as <c>up</c> sees it; tests describe another one.</summary>
public sealed record UpEnvironment : LabEnvironment
{
    /// <summary>The configuration the services were built in, the same as this tool's.</summary>
    public required string BuildConfiguration { get; init; }

    public required NginxSetup Nginx { get; init; }

    /// <summary>When the command was given, for the time-to-ready figure.</summary>
    public required DateTimeOffset CommandStarted { get; init; }

    /// <summary>
    /// This machine. The <c>./cloudmart</c> script passes the moment it was run (before any build
    /// check) in CLOUDMART_STARTED_AT, in nanoseconds since 1970; otherwise this process's start counts.
    /// </summary>
    public static new UpEnvironment FromMachine() => new()
    {
        RepositoryRoot = LabRepository.LocateRequired(AppContext.BaseDirectory).Root,
        BuildConfiguration = ThisConfiguration,
        Nginx = new NginxSetup(),
        StateDirectory = StateFromMachine(),
        CommandStarted = long.TryParse(Environment.GetEnvironmentVariable("CLOUDMART_STARTED_AT"), NumberStyles.None, CultureInfo.InvariantCulture, out var nanoseconds)
            ? DateTimeOffset.FromUnixTimeMilliseconds(nanoseconds / 1_000_000)
            : new DateTimeOffset(Process.GetCurrentProcess().StartTime),
    };

#if DEBUG
    public const string ThisConfiguration = "Debug";
#else
    public const string ThisConfiguration = "Release";
#endif
}
