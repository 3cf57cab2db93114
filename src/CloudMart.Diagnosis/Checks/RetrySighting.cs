using CloudMart.Catalog;

namespace CloudMart.Diagnosis.Checks;

/// <summary>
/// Where the order-service's immediate retries (fault 7) were seen: the <c>Shipped</c> line of its
/// code, for a folder, or the start-up log of the running image, for a cluster. The finding is
/// built from a sighting in one place, <see cref="ToFinding"/>.
/// </summary>
/// <param name="Source">How the finding's summary says it is known, in brackets.</param>
public sealed record RetrySighting(
    string Source, string RootCause, string Fix, FindingLocation Location, string Value, string Expected, IReadOnlyList<string> Evidence)
{
    /// <summary>The fix of fault 7, kept beside the solution manifests.</summary>
    public const string FixPatch = "k8s/day-4/solution/fault-7-retry-backoff.patch";

    /// <summary>The shipped constant selects the immediate strategy, at <paramref name="file"/>:<paramref name="line"/>.</summary>
    public static RetrySighting InCode(string file, int line) => new(
        Source: $"{file}:{line}",
        RootCause: $"RetryFault.Shipped is RetryStrategy.{RetryPolicyCheck.Immediate}: the order-service repeats a failed call to database-service straight away, up to its retry count, with no pause between attempts.",
        Fix: $"In {file}, set Shipped to RetryStrategy.{RetryPolicyCheck.Backoff} ({FixPatch} does it), then rebuild and import the images and restart the order-service Deployment.",
        Location: new FindingLocation(file, line, "Code", "RetryFault.Shipped", "RetryFault.Shipped"),
        Value: $"RetryStrategy.{RetryPolicyCheck.Immediate}",
        Expected: $"RetryStrategy.{RetryPolicyCheck.Backoff}",
        Evidence: []);

    /// <summary>The running order-service said at start that it retries at once; <paramref name="evidence"/> holds those lines.</summary>
    public static RetrySighting InLog(IReadOnlyList<string> evidence) => new(
        Source: "its start-up log says so",
        RootCause: $"The running order-service image was built from code whose RetryFault.Shipped is RetryStrategy.{RetryPolicyCheck.Immediate} ({LabRepository.RetryFaultPath}).",
        Fix: $"Set RetryFault.Shipped to RetryStrategy.{RetryPolicyCheck.Backoff} in {LabRepository.RetryFaultPath} ({FixPatch}), rebuild and import the images, then kubectl rollout restart deployment/{ServiceCatalog.Order.Name} -n {ServiceCatalog.Namespace}.",
        Location: new FindingLocation(LabRepository.RetryFaultPath, null, "Deployment", ServiceCatalog.Order.Name, "RetryFault.Shipped (compiled into the image)"),
        Value: "immediate",
        Expected: "exponential backoff",
        Evidence: evidence);

    public Finding ToFinding()
    {
        var fault = LabFaults.All.Single(f => f.Check == CheckNames.Retry);
        return new Finding(CheckNames.Retry, fault.Service, null, Location)
        {
            Summary = $"{fault.Service} retries failed store calls immediately, with no backoff ({Source})",
            Symptom = fault.Symptom,
            RootCause = RootCause,
            Impact = fault.Impact,
            Fix = Fix,
            Value = Value,
            Expected = Expected,
            Evidence = Evidence,
        }.Classified();
    }
}
