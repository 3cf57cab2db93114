using CloudMart.Catalog;
using CloudMart.Diagnosis.Checks;
using CloudMart.Manifests;

namespace CloudMart.Diagnosis;

/// <summary>
/// Diagnoses a manifests folder without a cluster: every manifest check, the images against the
/// build script of the repository that holds the folder, and the retry policy in its code.
/// </summary>
public static class FolderDiagnosis
{
    /// <exception cref="ManifestLoadException">The folder is missing, holds no manifest, or one does not parse.</exception>
    public static DiagnosisReport Run(string folder)
    {
        var full = Path.GetFullPath(folder);
        var set = ManifestSet.Load(full);
        var repository = LabRepository.FindAbove(full);
        var images = BuiltImages.For(repository);
        var findings = new List<Finding>();
        foreach (var check in ManifestChecks.All)
        {
            findings.AddRange(check.Run(set, images));
        }
        var retry = RetryPolicyCheck.Inspect(repository);
        if (retry.Finding is { } finding)
        {
            findings.Add(finding);
        }
        var notes = new List<string>
        {
            $"images compared with {images.Source}",
            retry.Note,
        };
        var ordered = DiagnosisReport.Ordered(findings);
        var faults = DiagnosisReport.Grade(ordered, fault => NotCheckedReason(fault, set, retry)).ToList();
        return DiagnosisReport.Create(DiagnosisMode.Folder, full, ordered, notes, faults);
    }

    /// <summary>Why a fault could not be looked for in this folder, or null when it could.</summary>
    static string? NotCheckedReason(LabFault fault, ManifestSet set, RetryPolicyResult retry)
    {
        if (fault.Check == CheckNames.Retry)
        {
            return retry.State == RetryPolicyState.NotChecked ? retry.Note : null;
        }
        if (fault.Check == CheckNames.Selectors)
        {
            return set.FindService(fault.Service) is null ? $"no Service {fault.Service} in the folder" : null;
        }
        return set.FindContainer(fault.Service) is null ? $"no Deployment {fault.Service} (with its container) in the folder" : null;
    }
}
