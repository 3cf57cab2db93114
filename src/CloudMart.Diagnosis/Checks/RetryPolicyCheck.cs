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

    /// <summary>The code retries at once, and the folder carries the patch that switches it to backoff.</summary>
    FixedByPatch,
}

public sealed record RetryPolicyResult(RetryPolicyState State, string Note, Finding? Finding);

/// <summary>
/// Fault 7 is in code, not in a manifest: <c>RetryFault.Shipped</c> in the order-service. The
/// static diagnosis reads that constant in the repository that holds the diagnosed folder. A
/// manifests folder that carries a patch flipping the constant (as k8s/day-4/solution does, since
/// its fix is a rebuild) counts as fixed, with a note saying the patch must be applied.
/// </summary>
public static partial class RetryPolicyCheck
{
    public const string Immediate = "Immediate";
    public const string Backoff = "ExponentialBackoff";

    public static RetryPolicyResult Inspect(LabRepository? repository, string? folder)
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
                if (folder is not null && FixingPatch(folder, lines[index]) is { } patch)
                {
                    return new(RetryPolicyState.FixedByPatch,
                        $"retry policy: the code at {relative}:{line} retries immediately; {Path.GetFileName(patch)} in this folder switches it to exponential backoff (apply it and rebuild the order-service image before deploying)",
                        null);
                }
                return new(RetryPolicyState.Immediate, $"retry policy: immediate ({relative}:{line})", RetrySighting.InCode(relative, line).ToFinding());
            default:
                return new(RetryPolicyState.NotChecked, $"retry policy: not checked ({relative}:{line} sets an unknown strategy {strategy})", null);
        }
    }

    /// <summary>
    /// A patch in the folder that replaces exactly the current Shipped line of RetryFault.cs with
    /// one that selects the backoff strategy, or null.
    /// </summary>
    static string? FixingPatch(string folder, string currentLine)
    {
        if (!Directory.Exists(folder))
        {
            return null;
        }
        foreach (var patch in Directory.GetFiles(folder).Where(f => f.EndsWith(".patch", StringComparison.Ordinal) || f.EndsWith(".diff", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var inRetryFault = false;
            bool removes = false, adds = false;
            foreach (var line in File.ReadLines(patch))
            {
                if (line.StartsWith("+++ ", StringComparison.Ordinal))
                {
                    inRetryFault = line[4..].Split('\t')[0].TrimEnd().EndsWith(LabRepository.RetryFaultPath, StringComparison.Ordinal);
                    continue;
                }
                if (!inRetryFault || line.StartsWith("--- ", StringComparison.Ordinal) || line.Length == 0)
                {
                    continue;
                }
                if (line[0] == '-' && line[1..] == currentLine)
                {
                    removes = true;
                }
                else if (line[0] == '+' && ShippedLine().Match(line[1..]) is { Success: true } added && added.Groups["strategy"].Value == Backoff)
                {
                    adds = true;
                }
            }
            if (removes && adds)
            {
                return patch;
            }
        }
        return null;
    }

    [GeneratedRegex(@"^\s*public\s+const\s+RetryStrategy\s+Shipped\s*=\s*RetryStrategy\.(?<strategy>\w+)\s*;")]
    private static partial Regex ShippedLine();
}
