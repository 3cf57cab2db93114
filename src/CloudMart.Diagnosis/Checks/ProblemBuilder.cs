using CloudMart.Diagnosis.Manifests;
using k8s;
using k8s.Models;

namespace CloudMart.Diagnosis.Checks;

/// <summary>
/// Turns one problem a check sees into a <see cref="Finding"/>: locates it in its file, and names
/// the lab fault it is (whose symptom and impact then replace the check's generic ones).
/// </summary>
static class ProblemBuilder
{
    public static Finding Problem(
        ManifestSet set,
        string check,
        string? service,
        string? subject,
        IKubernetesObject<V1ObjectMeta> resource,
        string? field,
        string summary,
        string? value,
        string? expected,
        string rootCause,
        string fix,
        string symptom,
        string impact,
        Severity severity = Severity.Error)
    {
        var fault = LabFaults.Match(check, service, subject);
        return new Finding
        {
            Check = check,
            Fault = fault?.Number,
            Severity = fault is null ? severity : Severity.Error,
            Service = service,
            Summary = summary,
            Symptom = fault?.Symptom ?? symptom,
            RootCause = rootCause,
            Impact = fault?.Impact ?? impact,
            Fix = fix,
            Location = Locate(set, resource, field),
            Value = value,
            Expected = expected,
        };
    }

    public static FindingLocation Locate(ManifestSet set, IKubernetesObject<V1ObjectMeta> resource, string? field)
    {
        var source = set.SourceOf(resource);
        int? line = null;
        if (source?.File is { } file && set.Folder is { } folder)
        {
            line = YamlLocator.Line(Path.Combine(folder, file), source.Document, field);
        }
        return new FindingLocation(source?.File, line, resource.Kind ?? resource.GetType().Name.TrimStart('V', '1'), resource.Metadata.Name, field);
    }
}
