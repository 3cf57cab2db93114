namespace CloudMart.Diagnosis;

/// <summary>What was diagnosed: a manifests folder or a cluster's namespace.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(KebabCaseEnumConverter<DiagnosisMode>))]
public enum DiagnosisMode
{
    Folder,
    Cluster,
}

/// <summary>Where one lab fault stands, for grading.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(KebabCaseEnumConverter<FaultState>))]
public enum FaultState
{
    /// <summary>Looked for and not found.</summary>
    Fixed,

    /// <summary>Found.</summary>
    Present,

    /// <summary>Could not be looked for (the resource or the code it lives in is missing).</summary>
    NotChecked,
}

public sealed record FaultStatus(int Number, string Title, FaultState State, string Detail);

/// <summary>The outcome of one diagnosis: the findings, the notes on what was and was not checked, and each lab fault's state.</summary>
public sealed record DiagnosisReport(
    DiagnosisMode Mode,
    string Target,
    IReadOnlyList<Finding> Findings,
    IReadOnlyList<string> Notes,
    IReadOnlyList<FaultStatus> Faults)
{
    /// <summary>
    /// Every catalog fault's state, of which <see cref="Faults"/> holds the ones graded: the shipped
    /// faults unless <see cref="GradedAgainst"/> chose others (a seeded incident's).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<FaultStatus> Catalog { get; init; } = Faults;

    /// <summary>The report graded against <paramref name="faults"/> instead (the key of a seeded incident).</summary>
    public DiagnosisReport GradedAgainst(IEnumerable<int> faults)
    {
        var wanted = faults.ToHashSet();
        return this with { Faults = [.. Catalog.Where(f => wanted.Contains(f.Number))] };
    }

    /// <summary>A report of every catalog fault's state, graded against the shipped faults.</summary>
    public static DiagnosisReport Create(DiagnosisMode mode, string target, IReadOnlyList<Finding> findings, IReadOnlyList<string> notes, IReadOnlyList<FaultStatus> catalog) =>
        new(mode, target, findings, notes, [.. catalog.Where(f => LabFaults.Get(f.Number).Shipped)]) { Catalog = catalog };

    /// <summary>The detail of a fault that is simply fixed.</summary>
    public const string FixedDetail = "fixed";

    public int FaultsFixed => Faults.Count(f => f.State == FaultState.Fixed);

    public int FaultsTotal => Faults.Count;

    /// <summary>The findings in the order a report shows them: lab faults by number, then errors, then warnings.</summary>
    public static IReadOnlyList<Finding> Ordered(IEnumerable<Finding> findings) =>
        findings
            .OrderBy(f => f.Fault ?? int.MaxValue)
            .ThenBy(f => f.Severity)
            .ThenBy(f => f.Location.File ?? "", StringComparer.Ordinal)
            .ThenBy(f => f.Location.Line ?? 0)
            .ThenBy(f => f.Summary, StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// Each catalog fault's state: present when a finding is that fault; not checked when what it
    /// lives in could not be examined; fixed otherwise.
    /// </summary>
    public static IReadOnlyList<FaultStatus> Grade(IReadOnlyList<Finding> findings, Func<LabFault, string?> notCheckedReason) =>
        LabFaults.All.Select(fault =>
        {
            var found = findings.FirstOrDefault(f => f.Fault == fault.Number);
            if (found is not null)
            {
                return new FaultStatus(fault.Number, fault.Title, FaultState.Present, found.Summary);
            }
            return notCheckedReason(fault) is { } reason
                ? new FaultStatus(fault.Number, fault.Title, FaultState.NotChecked, reason)
                : new FaultStatus(fault.Number, fault.Title, FaultState.Fixed, FixedDetail);
        }).ToList();
}
