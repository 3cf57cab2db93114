using System.Text.Json.Serialization;

namespace CloudMart.Verification;

/// <summary>The documents <c>load --json</c> and <c>verify --json</c> print.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(LoadJson))]
[JsonSerializable(typeof(VerifyJson))]
public sealed partial class VerificationJson : JsonSerializerContext;
