using CloudMart.Manifests;
using CloudMart.Catalog;
using k8s.Models;

namespace CloudMart.Diagnosis.Checks;

/// <summary>
/// Each container sets every variable its service requires, only variables the service (or the
/// .NET runtime) reads, and only values the service's own start-up check accepts.
/// </summary>
public static partial class ManifestChecks
{
    /// <summary>One variable a container sets, with the catalog's declaration of it (null when the service does not read it).</summary>
    sealed record SetVariable(ServiceSpec Spec, ContainerRef Found, V1EnvVar Env, VariableSpec? Variable)
    {
        public string Field => $"{Found.Path}.env[{Env.Name}]";
    }

    static IEnumerable<SetVariable> SetVariables(ManifestSet set) =>
        from c in Containers(set)
        from env in c.Found.Container.Env ?? []
        where !RuntimeVariables.Contains(env.Name)
        select new SetVariable(c.Spec, c.Found, env, c.Spec.Variables.FirstOrDefault(v => v.Name == env.Name));

    /// <summary>Every variable the catalog marks required is set.</summary>
    public static IEnumerable<Finding> RequiredVariables(ManifestSet set, BuiltImages images) =>
        from c in Containers(set)
        from required in c.Spec.Variables.Where(v => v.Required)
        where c.Found.Container.Env(required.Name) is null
        let name = c.Spec.Name
        select new Finding(CheckNames.Variables, name, required.Name, set.Locate(c.Found, $"env[{required.Name}]"))
        {
            Summary = $"{name} does not set {required.Name}, which it requires ({required.Expected})",
            Expected = required.Expected,
            RootCause = $"{name} refuses to start without {required.Name} (its start-up check requires {required.Expected}), and the container's env does not set it.",
            Fix = $"Add {required.Name} to the container's env, with {required.Expected}.",
            Symptom = $"{name} exits at start with 'FATAL: {required.Name} is not set' and ends up in CrashLoopBackOff.",
            Impact = $"{name} never runs; everything that calls it fails.",
        };

    /// <summary>No variable is set that the service does not read.</summary>
    public static IEnumerable<Finding> UnknownVariables(ManifestSet set, BuiltImages images) =>
        from v in SetVariables(set)
        where v.Variable is null
        select new Finding(CheckNames.Variables, v.Spec.Name, $"unknown:{v.Env.Name}", set.Locate(v.Found.Deployment, v.Field))
        {
            Severity = Severity.Warning,
            Summary = $"{v.Spec.Name} sets {v.Env.Name}, which it does not read",
            Value = v.Env.Value,
            RootCause = $"{v.Spec.Name} reads {string.Join(", ", v.Spec.Variables.Select(x => x.Name))}; {v.Env.Name} is none of them (a typo, or meant for another service).",
            Fix = $"Remove {v.Env.Name}, or use the name the service reads.",
            Symptom = "The setting has no effect.",
            Impact = "What the setting was meant to change does not happen.",
        };

    /// <summary>
    /// A value taken from a Secret names a Secret and key the manifests hold (a cluster's Secrets are
    /// not read). An optional reference is left alone: the pod starts without it, by design.
    /// </summary>
    public static IEnumerable<Finding> SecretReferences(ManifestSet set, BuiltImages images) =>
        from v in SetVariables(set)
        where v.Variable is not null && set.HoldsSecrets
        let secretRef = v.Env.ValueFrom?.SecretKeyRef
        where secretRef is { Optional: not true } && SecretValue(set, secretRef) is null
        let name = v.Spec.Name
        select new Finding(CheckNames.Variables, name, v.Env.Name, set.Locate(v.Found.Deployment, $"{v.Field}.valueFrom.secretKeyRef"))
        {
            Summary = $"{name} {v.Env.Name} refers to secret {secretRef.Name} key {secretRef.Key}, which the manifests do not hold",
            Value = $"{secretRef.Name}/{secretRef.Key}",
            Expected = "a Secret and key defined in the folder",
            RootCause = $"The Secret {secretRef.Name} (or its key {secretRef.Key}) is not among the manifests.",
            Fix = $"Add the Secret {secretRef.Name} with key {secretRef.Key}, or point at one that exists.",
            Symptom = $"{name} pods stay in CreateContainerConfigError.",
            Impact = $"{name} never starts.",
        };

    /// <summary>A value filled from a ConfigMap or a field reference cannot be checked: a warning says so.</summary>
    public static IEnumerable<Finding> UnreadableSources(ManifestSet set, BuiltImages images) =>
        from v in SetVariables(set)
        where v.Variable is not null && v.Env.ValueFrom is { SecretKeyRef: null }
        select new Finding(CheckNames.Variables, v.Spec.Name, $"source:{v.Env.Name}", set.Locate(v.Found.Deployment, $"{v.Field}.valueFrom"))
        {
            Severity = Severity.Warning,
            Summary = $"{v.Spec.Name} {v.Env.Name} takes its value from a source the checks do not know",
            Expected = "a value, or a secretKeyRef",
            RootCause = $"{v.Env.Name} is filled from a ConfigMap or field reference, which the diagnosis cannot read.",
            Fix = $"Check the value of {v.Env.Name} by hand, or set it directly.",
            Symptom = "Unknown.",
            Impact = "Unknown.",
        };

    /// <summary>Every value the checks can read passes the service's own start-up check.</summary>
    public static IEnumerable<Finding> VariableValues(ManifestSet set, BuiltImages images)
    {
        foreach (var v in SetVariables(set))
        {
            if (v.Variable is not { } variable || ReadableValue(set, v) is not (var value, var field) || ServiceVariables.IsValid(variable, value))
            {
                continue;
            }
            var name = v.Spec.Name;
            yield return new Finding(CheckNames.Variables, name, v.Env.Name, set.Locate(v.Found.Deployment, field))
            {
                Summary = $"{name} {v.Env.Name}='{value}' is not {variable.Expected}",
                Value = value,
                Expected = variable.Expected,
                RootCause = $"{name}'s start-up check accepts only {variable.Expected} in {v.Env.Name}, and '{value}' is not that.",
                Fix = variable.Default is null
                    ? $"Set {v.Env.Name} to {variable.Expected}."
                    : $"Set {v.Env.Name} to {variable.Expected} (default {variable.Default}), or remove it.",
                Symptom = $"{name} exits at start with a FATAL line naming {v.Env.Name} and ends up in CrashLoopBackOff.",
                Impact = $"{name} never runs; everything that calls it fails.",
            };
        }
    }

    /// <summary>A variable's value and the field it is in, when it is literal or in a Secret of the folder; else null.</summary>
    static (string Value, string Field)? ReadableValue(ManifestSet set, SetVariable v) => v.Env.ValueFrom switch
    {
        null => (v.Env.Value ?? "", $"{v.Field}.value"),
        { SecretKeyRef: { } secretRef } when set.HoldsSecrets && SecretValue(set, secretRef) is { } value => (value, $"{v.Field}.valueFrom.secretKeyRef"),
        _ => null,
    };

    static string? SecretValue(ManifestSet set, V1SecretKeySelector secretRef)
    {
        var secret = set.All<V1Secret>().FirstOrDefault(s => s.Metadata.Name == secretRef.Name);
        return secret?.StringData?.TryGetValue(secretRef.Key, out var text) == true ? text
            : secret?.Data?.TryGetValue(secretRef.Key, out var bytes) == true ? System.Text.Encoding.UTF8.GetString(bytes) : null;
    }
}
