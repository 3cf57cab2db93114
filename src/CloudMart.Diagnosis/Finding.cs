namespace CloudMart.Diagnosis;

/// <summary>How much a finding matters.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(KebabCaseEnumConverter<Severity>))]
public enum Severity
{
    /// <summary>Something is broken: a pod cannot start, a request cannot succeed.</summary>
    Error,

    /// <summary>Works today but departs from how the lab's components must be run.</summary>
    Warning,
}

/// <summary>
/// One thing wrong, explained as an incident report would: what is seen (symptom), why
/// (root cause), what it breaks (impact), and what to change (fix), at an exact location with the
/// value found and the value wanted. <see cref="Fault"/> names the lab fault (an id of the incident catalog) it is, or is
/// null for any other problem. Static and live rules build findings alike, then
/// <see cref="Classified"/> tells the lab faults apart. What a finding is about (its check,
/// component, subject and location) is given when it is made; what it says about it is given by name.
/// </summary>
public sealed record Finding
{
    public Finding(string check, string? service, string? subject, FindingLocation location)
    {
        Check = check;
        Service = service;
        Subject = subject;
        Location = location;
    }

    /// <summary>The check that found it: selectors, probes, urls, variables, images, memory, chaos, retry, hardening, inventory, or a live one.</summary>
    public string Check { get; init; }

    public int? Fault { get; init; }

    public Severity Severity { get; init; } = Severity.Error;

    /// <summary>The component of the service catalog concerned, when there is one.</summary>
    public string? Service { get; init; }

    /// <summary>One line that says what is wrong.</summary>
    public required string Summary { get; init; }

    public required string Symptom { get; init; }

    public required string RootCause { get; init; }

    public required string Impact { get; init; }

    public required string Fix { get; init; }

    public FindingLocation Location { get; init; }

    /// <summary>The value found, or null when the field is absent.</summary>
    public string? Value { get; init; }

    /// <summary>The value it should have, or a description of the values that would do.</summary>
    public string? Expected { get; init; }

    /// <summary>What a cluster showed that confirms it: pod states, events, log lines.</summary>
    public IReadOnlyList<string> Evidence { get; init; } = [];

    /// <summary>
    /// The check whose lab fault it would be, when that is another one: a crash seen on a pod
    /// (check pods) that a missing variable explains (check variables). Null means <see cref="Check"/>.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? FaultCheck { get; init; }

    /// <summary>The field or variable it is about, as <see cref="LabFault.Subject"/> names it.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? Subject { get; init; }

    /// <summary>A consequence of another finding (pods not ready, calls that fail): it only adds evidence to what causes it.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Consequence { get; init; }

    /// <summary>The lab fault this finding is, or null.</summary>
    public LabFault? MatchFault() => Consequence ? null : LabFaults.Match(FaultCheck ?? Check, Service, Subject);

    /// <summary>The finding with its lab fault named: the catalog's symptom and impact replace the rule's generic ones, and a lab fault is an error.</summary>
    public Finding Classified() => MatchFault() is { } fault
        ? this with { Fault = fault.Number, Severity = Severity.Error, Symptom = fault.Symptom, Impact = fault.Impact }
        : this;
}
