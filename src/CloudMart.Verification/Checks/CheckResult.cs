namespace CloudMart.Verification.Checks;

public enum CheckOutcome
{
    Passed,
    Failed,

    /// <summary>Could not be checked here (no metrics-server, no Tempo address); neither passes nor fails.</summary>
    NotAvailable,

    /// <summary>Not attempted, because an earlier check found nothing to check against.</summary>
    NotRun,
}

/// <summary>One item of the checklist, with what was seen.</summary>
/// <param name="Name">A short stable id (<c>pods</c>, <c>orders</c>...), for scripts reading the JSON.</param>
/// <param name="Title">What the check asserts, as a person reads it.</param>
/// <param name="Summary">The finding in one line.</param>
/// <param name="Evidence">The details behind the finding: one line per pod, service, log line...</param>
/// <param name="Stops">True when nothing after this check can run (no local run, cluster unreachable).</param>
public sealed record CheckResult(string Name, string Title, CheckOutcome Outcome, string Summary, IReadOnlyList<string> Evidence, bool Stops = false)
{
    public static CheckResult Pass(string name, string title, string summary, IEnumerable<string>? evidence = null) =>
        new(name, title, CheckOutcome.Passed, summary, evidence?.ToList() ?? []);

    public static CheckResult Fail(string name, string title, string summary, IEnumerable<string>? evidence = null) =>
        new(name, title, CheckOutcome.Failed, summary, evidence?.ToList() ?? []);

    public static CheckResult Unavailable(string name, string title, string summary, IEnumerable<string>? evidence = null) =>
        new(name, title, CheckOutcome.NotAvailable, summary, evidence?.ToList() ?? []);

    /// <summary>Passed when <paramref name="passed"/>, failed otherwise.</summary>
    public static CheckResult From(bool passed, string name, string title, string summary, IEnumerable<string>? evidence = null) =>
        passed ? Pass(name, title, summary, evidence) : Fail(name, title, summary, evidence);
}

/// <summary>One check to run: its name and title are known before it runs, so a caller can show it running.</summary>
public sealed record VerifyStep(string Name, string Title, Func<Action<string>, CancellationToken, Task<CheckResult>> RunAsync);

/// <summary>All the checks' results, and the verdict.</summary>
public sealed record VerifyReport(string Target, IReadOnlyList<CheckResult> Checks)
{
    /// <summary>True only when no check failed and none was left unrun.</summary>
    public bool Passed => Checks.Count > 0 && Checks.All(c => c.Outcome is CheckOutcome.Passed or CheckOutcome.NotAvailable);

    /// <summary>True when a check found nothing to verify against (no local run, no cluster).</summary>
    public bool TargetMissing => Checks.Any(c => c.Stops);

    public int Count(CheckOutcome outcome) => Checks.Count(c => c.Outcome == outcome);

    public VerifyJson ToJson() => new(Target, Passed, Count(CheckOutcome.Passed), Count(CheckOutcome.Failed),
        Checks.Select(c => new CheckJson(c.Name, c.Title, c.Outcome switch
        {
            CheckOutcome.Passed => "pass",
            CheckOutcome.Failed => "fail",
            CheckOutcome.NotAvailable => "not-available",
            _ => "not-run",
        }, c.Summary, c.Evidence)).ToList());

    /// <summary>Runs <paramref name="steps"/> in order (through <paramref name="run"/> when the caller wraps each run, e.g. in a spinner); after one that stops, the rest are reported as not run.</summary>
    public static async Task<VerifyReport> RunAsync(string target, IEnumerable<VerifyStep> steps,
        Action<VerifyStep>? starting = null, Action<CheckResult>? finished = null, Action<string>? progress = null,
        CancellationToken cancellationToken = default, Func<VerifyStep, Task<CheckResult>>? run = null)
    {
        run ??= step => step.RunAsync(progress ?? (_ => { }), cancellationToken);
        var results = new List<CheckResult>();
        var stopped = false;
        foreach (var step in steps)
        {
            CheckResult result;
            if (stopped)
            {
                result = new CheckResult(step.Name, step.Title, CheckOutcome.NotRun, "not checked: there is nothing to check against", []);
            }
            else
            {
                starting?.Invoke(step);
                result = await run(step);
                stopped = result.Stops;
            }
            results.Add(result);
            finished?.Invoke(result);
        }
        return new VerifyReport(target, results);
    }
}

public sealed record VerifyJson(string Target, bool Passed, int ChecksPassed, int ChecksFailed, IReadOnlyList<CheckJson> Checks);

public sealed record CheckJson(string Name, string Title, string Outcome, string Summary, IReadOnlyList<string> Evidence);
