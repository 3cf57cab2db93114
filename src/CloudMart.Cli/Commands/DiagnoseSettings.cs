using CloudMart.Verification.Checks;

namespace CloudMart.Cli.Commands;

/// <summary>What <c>diagnose</c> was asked for, from its arguments and options.</summary>
public sealed record DiagnoseSettings
{
    /// <summary>The manifests folder to diagnose; null with <see cref="Cluster"/>.</summary>
    public string? Folder { get; init; }

    public bool Cluster { get; init; }

    public string? Kubeconfig { get; init; }

    public string? Context { get; init; }

    public string Namespace { get; init; } = ServiceCatalog.Namespace;

    public bool Grade { get; init; }

    public bool Json { get; init; }

    /// <summary>With <c>--seed</c> or <c>--fault</c>: the incident's seed (null for one given fault by fault).</summary>
    public long? Seed { get; init; }

    /// <summary>With <c>--seed</c> or <c>--fault</c>: the ids of the incident to grade against; null grades the shipped faults.</summary>
    public IReadOnlyList<int>? Incident { get; init; }

    /// <summary>When the grade was made, for the hand-in report; now when null.</summary>
    public DateTimeOffset? GradedAt { get; init; }

    /// <summary>With <c>--hint N</c>: how much of each finding to tell (1 to 3); null for the full report.</summary>
    public int? Hint { get; init; }

    /// <summary>With <c>--grade --cluster --verify</c>: run verify's cluster checks on the same namespace too, and count them in the grade.</summary>
    public bool Verify { get; init; }

    /// <summary>The orders <c>--verify</c> tries: verify's defaults (tests send fewer).</summary>
    public OrderCheckOptions VerifyOrders { get; init; } = new();
}

/// <summary>The machine as <c>diagnose</c> sees it; tests describe another one.</summary>
public sealed record DiagnoseEnvironment
{
    /// <summary>The CloudMart checkout the tool runs from, for the build script's image list in a cluster diagnosis; null outside one.</summary>
    public string? RepositoryRoot { get; init; }

    /// <summary>The folder paths are shown relative to.</summary>
    public required string WorkingDirectory { get; init; }

    public static DiagnoseEnvironment FromMachine() => new()
    {
        RepositoryRoot = LabRepository.Locate(AppContext.BaseDirectory)?.Root,
        WorkingDirectory = Environment.CurrentDirectory,
    };
}
