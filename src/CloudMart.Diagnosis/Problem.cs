namespace CloudMart.Diagnosis;

/// <summary>
/// One problem a rule sees, static or live, before it is told apart from the lab faults. It
/// becomes a <see cref="Finding"/> in one way only (<see cref="ToFinding"/>): when it is a lab fault,
/// the catalog's symptom and impact replace the rule's generic ones and it counts as an error.
/// </summary>
public sealed record Problem
{
    /// <summary>The check that reports it.</summary>
    public required string Check { get; init; }

    /// <summary>
    /// The check whose lab fault it would be, when that is another one: a crash seen on a pod
    /// (check pods) that a missing variable explains (check variables). Null means <see cref="Check"/>.
    /// </summary>
    public string? FaultCheck { get; init; }

    /// <summary>The component of the service catalog concerned, when there is one.</summary>
    public string? Service { get; init; }

    /// <summary>The field or variable the problem is about, as <see cref="LabFault.Subject"/> names it.</summary>
    public string? Subject { get; init; }

    /// <summary>A consequence of another problem (pods not ready, calls that fail): it only adds evidence to what causes it.</summary>
    public bool Consequence { get; init; }

    public Severity Severity { get; init; } = Severity.Error;

    public required string Summary { get; init; }

    public required string Symptom { get; init; }

    public required string RootCause { get; init; }

    public required string Impact { get; init; }

    public required string Fix { get; init; }

    public required FindingLocation Location { get; init; }

    public string? Value { get; init; }

    public string? Expected { get; init; }

    public IReadOnlyList<string> Evidence { get; init; } = [];

    /// <summary>The lab fault this problem is, or null.</summary>
    public LabFault? Fault => Consequence ? null : LabFaults.Match(FaultCheck ?? Check, Service, Subject);

    public Finding ToFinding()
    {
        var fault = Fault;
        return new Finding
        {
            Check = Check,
            Fault = fault?.Number,
            Severity = fault is null ? Severity : Severity.Error,
            Service = Service,
            Summary = Summary,
            Symptom = fault?.Symptom ?? Symptom,
            RootCause = RootCause,
            Impact = fault?.Impact ?? Impact,
            Fix = Fix,
            Location = Location,
            Value = Value,
            Expected = Expected,
            Evidence = Evidence,
        };
    }
}
