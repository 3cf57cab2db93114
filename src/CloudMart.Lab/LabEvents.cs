namespace CloudMart.Lab;

/// <summary>Why a local run could not start.</summary>
public enum LabFailure
{
    /// <summary>A component's port is taken by another program.</summary>
    PortInUse,
    /// <summary>A service's build output (or published binary) is not there.</summary>
    BinaryMissing,
    /// <summary>Another cloudmart process runs the system from the same state folder.</summary>
    AlreadyRunning,
    /// <summary>The gateway's nginx.conf cannot be rendered for a local run.</summary>
    GatewayConfig,
    /// <summary>A component exited while starting.</summary>
    ExitedAtStart,
    /// <summary>A component did not answer /health in time.</summary>
    NotHealthyInTime,
    /// <summary>The broken manifests that <c>--fault</c> takes its values from cannot be read.</summary>
    FaultManifests,
}

public sealed class LabStartException(LabFailure failure, string message, string? component = null, string? logTail = null)
    : Exception(message)
{
    public LabFailure Failure { get; } = failure;

    public string? Component { get; } = component;

    /// <summary>The last lines of the failing component's log, when there is one.</summary>
    public string? LogTail { get; } = logTail;
}

/// <summary>Something that happened while starting or stopping, for a caller to show.</summary>
public abstract record LabEvent(string Component);

/// <summary>A process left by an earlier run that crashed was stopped.</summary>
public sealed record LeftoverStopped(string Component, int Pid) : LabEvent(Component);

public sealed record ComponentStarted(string Component, int Pid, LaunchCommand Command) : LabEvent(Component);

public sealed record ComponentHealthy(string Component, TimeSpan AfterStart) : LabEvent(Component);

/// <summary>The warm-up requests were sent; <paramref name="Failed"/> lists any that did not succeed.</summary>
public sealed record SystemWarmedUp(TimeSpan Took, IReadOnlyList<string> Failed) : LabEvent("all");

public sealed record ComponentStopped(string Component, int Pid, bool Killed, int? ExitCode) : LabEvent(Component);
