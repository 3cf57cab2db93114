using System.Text.Json;
using System.Text.Json.Serialization;

namespace CloudMart.Diagnosis;

/// <summary>A problem the grade found that is not one of the incident's faults: something the learner broke, or a catalog fault outside the key.</summary>
public sealed record NewProblem(string Check, string? Service, int? Fault, Severity Severity, string Summary);

/// <summary>What <c>diagnose --grade --verify</c> adds: whether verify passed, and the checks that did not.</summary>
public sealed record VerifyOutcome(bool Passed, IReadOnlyList<string> Failed);

/// <summary>
/// The report a learner hands in (<c>cloudmart diagnose --grade --seed N -o json</c>) and
/// <c>cloudmart lab summary</c> reads: the incident (its seed and size, or its fault ids), each of
/// its faults' states, what else is broken, when it was graded and, if asked, the verify result.
/// </summary>
public sealed record GradeReport(
    long? Seed,
    IReadOnlyList<int> Incident,
    DiagnosisMode Mode,
    string Target,
    DateTimeOffset GradedAt,
    IReadOnlyList<FaultStatus> Faults,
    int FaultsFixed,
    IReadOnlyList<NewProblem> NewProblems,
    VerifyOutcome? Verify)
{
    /// <summary>The report of a diagnosis graded against <paramref name="incident"/>'s faults.</summary>
    public static GradeReport From(DiagnosisReport report, long? seed, IReadOnlyList<int> incident, DateTimeOffset gradedAt, VerifyOutcome? verify)
    {
        var graded = report.GradedAgainst(incident);
        var key = incident.ToHashSet();
        var others = report.Findings.Where(f => f.Fault is not { } n || !key.Contains(n))
            .Select(f => new NewProblem(f.Check, f.Service, f.Fault, f.Severity, f.Summary)).ToList();
        return new GradeReport(seed, incident, report.Mode, report.Target, gradedAt, graded.Faults, graded.FaultsFixed, others, verify);
    }

    public string Serialize() => JsonSerializer.Serialize(this, GradeJson.Context.GradeReport);

    /// <exception cref="JsonException">The text is not a grade report.</exception>
    public static GradeReport Parse(string json) => JsonSerializer.Deserialize(json, GradeJson.Context.GradeReport) ?? throw new JsonException("the file holds null");
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(GradeReport))]
internal sealed partial class GradeJsonContext : JsonSerializerContext;

static class GradeJson
{
    public static readonly GradeJsonContext Context = new(new JsonSerializerOptions(GradeJsonContext.Default.Options)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
