namespace CloudMart.Cli;

/// <summary>
/// The exit codes of every cloudmart verb; scripts may rely on them. Verbs added later reuse
/// these and add their own after <see cref="StartFailed"/>.
/// </summary>
public enum ExitCodes
{
    /// <summary>Done as asked (for <c>up</c>: ran, then stopped cleanly on Ctrl-C or SIGTERM).</summary>
    Success = 0,

    /// <summary>An unexpected error; the message says what.</summary>
    Error = 1,

    /// <summary>The command line was wrong: an unknown verb or option, or a bad option value.</summary>
    UsageError = 2,

    /// <summary>nginx, which serves as the gateway, is not installed and could not be installed.</summary>
    NginxMissing = 3,

    /// <summary>A port the local run needs is taken by another program.</summary>
    PortInUse = 4,

    /// <summary>A component could not start: its build is missing, it exited, or it never became healthy.</summary>
    StartFailed = 5,

    /// <summary><c>up</c>: the run it would start (same --name, or same ports) is already up.</summary>
    AlreadyRunning = 6,

    /// <summary><c>status</c>, <c>restart</c>: no run is up, or not the one named.</summary>
    NotRunning = 7,

    /// <summary><c>trace</c>: no log line of the run has that trace id.</summary>
    NothingFound = 8,

    /// <summary>
    /// <c>diagnose</c> found at least one problem (lab fault or other); with <c>--grade</c>, not every
    /// graded lab fault (the shipped ones, or the incident's) is fixed, or <c>--verify</c>'s checks did not pass.
    /// </summary>
    ProblemsFound = 10,

    /// <summary><c>diagnose</c> was given a folder that does not exist, holds no manifest, or holds one that does not parse.</summary>
    BadManifests = 11,

    /// <summary><c>diagnose --cluster</c> could not read the cluster: no usable kubeconfig or context, or the API server did not answer or refused.</summary>
    ClusterUnreachable = 12,

    /// <summary><c>load</c>: the guide's criteria were missed: an order did not get HTTP 200, or took 2 s or more.</summary>
    CriteriaMissed = 13,

    /// <summary><c>verify</c>: at least one check failed.</summary>
    ChecksFailed = 14,

    /// <summary><c>verify</c>: there was nothing to check: no local run, or the cluster's API could not be used.</summary>
    TargetUnreachable = 15,

    /// <summary>Stopped by a signal before it was ready (128 + SIGINT, as shells report it).</summary>
    Interrupted = 130,
}
