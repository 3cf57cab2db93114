using System.Text.RegularExpressions;
using CloudMart.Catalog;

namespace CloudMart.Diagnosis.Checks;

/// <summary>What the static diagnosis could learn about the order-service's store retry policy.</summary>
public enum RetryPolicyState
{
    /// <summary>No order-service source next to the folder (or it could not be read): nothing said.</summary>
    NotChecked,

    /// <summary>The code retries at once: fault 7.</summary>
    Immediate,

    /// <summary>The code backs off between attempts.</summary>
    Backoff,
}

public sealed record RetryPolicyResult(RetryPolicyState State, string Note, Finding? Finding);

/// <summary>
/// Fault 7 is in code, not in a manifest: <c>RetryFault.Shipped</c> in the order-service. The
/// static diagnosis reads that constant in the repository that holds the diagnosed folder, which is
/// the code the images are built from. A patch lying next to the manifests changes nothing that
/// runs, so it never counts: the fault is fixed once the code says so.
/// </summary>
public static partial class RetryPolicyCheck
{
    public const string Immediate = "Immediate";
    public const string Backoff = "ExponentialBackoff";

    public static RetryPolicyResult Inspect(LabRepository? repository)
    {
        if (repository is null || !File.Exists(repository.RetryFaultSource))
        {
            return new(RetryPolicyState.NotChecked, "retry policy: not checked (order-service source not found)", null);
        }
        var source = repository.RetryFaultSource;
        var relative = repository.Relative(source);
        var lines = File.ReadAllLines(source);
        var index = Array.FindIndex(lines, l => ShippedLine().IsMatch(l));
        if (index < 0)
        {
            return new(RetryPolicyState.NotChecked, $"retry policy: not checked ({relative} has no 'Shipped = RetryStrategy.X' line)", null);
        }
        var strategy = ShippedLine().Match(lines[index]).Groups["strategy"].Value;
        var line = index + 1;
        switch (strategy)
        {
            case Backoff:
                return new(RetryPolicyState.Backoff, $"retry policy: exponential backoff ({relative}:{line})", null);
            case Immediate:
return new(RetryPolicyState.Immediate, $"retry policy: immediate ({relative}:{line})", RetrySighting.InCode(relative, line).ToFinding());
            default:
                return new(RetryPolicyState.NotChecked, $"retry policy: not checked ({relative}:{line} sets an unknown strategy {strategy})", null);
        }
    }

    [GeneratedRegex(@"^\s*public\s+const\s+RetryStrategy\s+Shipped\s*=\s*RetryStrategy\.(?<strategy>\w+)\s*;")]
    private static partial Regex ShippedLine();
}
