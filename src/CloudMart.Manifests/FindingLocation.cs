namespace CloudMart.Manifests;

/// <summary>
/// Exactly where a finding is: the manifest file and line (null for a live object), the resource,
/// and the field inside it.
/// </summary>
public sealed record FindingLocation(string? File, int? Line, string Kind, string Name, string? Field)
{
    public string Resource => $"{Kind}/{Name}";

    /// <summary><c>file:line</c>, or the file alone, or null for a live object.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? FileAndLine => File is null ? null : Line is { } line ? $"{File}:{line}" : File;
}
