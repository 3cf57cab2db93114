using System.Text.Json;
using System.Text.Json.Serialization;

namespace CloudMart.Diagnosis;

/// <summary>
/// The machine-readable form of a <see cref="DiagnosisReport"/> (<c>cloudmart diagnose --json</c>):
/// camelCase names, enums as lower-case strings, absent values as null.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true)]
[JsonSerializable(typeof(DiagnosisReport))]
[JsonSerializable(typeof(DiagnosisError))]
public sealed partial class DiagnosisJsonContext : JsonSerializerContext;

/// <summary>What <c>--json</c> prints when there is nothing to diagnose (bad folder, unreachable cluster).</summary>
public sealed record DiagnosisError(string Error, string Kind);

/// <summary>Writes an enum as its kebab-case name: <c>NotChecked</c> as <c>not-checked</c>.</summary>
public sealed class KebabCaseEnumConverter<T>() : JsonStringEnumConverter<T>(JsonNamingPolicy.KebabCaseLower)
    where T : struct, Enum;

public static class DiagnosisJson
{
    /// <summary>The generated context, writing quotes and apostrophes as themselves (the output is read by people and jq, not put into HTML).</summary>
    static readonly DiagnosisJsonContext Context = new(new JsonSerializerOptions(DiagnosisJsonContext.Default.Options)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static string Serialize(DiagnosisReport report) => JsonSerializer.Serialize(report, Context.DiagnosisReport);

    public static string Serialize(DiagnosisError error) => JsonSerializer.Serialize(error, Context.DiagnosisError);

    public static DiagnosisReport? Deserialize(string json) => JsonSerializer.Deserialize(json, Context.DiagnosisReport);
}
