using System.Globalization;
using CloudMart.Catalog;
using CloudMart.Incidents;

namespace CloudMart.Lab;

/// <summary>How a local run reproduces a fault, from the check that finds it.</summary>
public enum LocalFaultEffect
{
    /// <summary>A variable of the component set (or unset) as the fault's manifest has it.</summary>
    Variable,

    /// <summary>The component run in a memory cgroup with the fault's limit.</summary>
    MemoryLimit,

    /// <summary>The order-service's retry policy switched to the shipped code's.</summary>
    RetrySwitch,
}

/// <summary>
/// The lab faults a local run puts back on purpose (<c>cloudmart up --fault N</c>), each with the
/// broken value its manifest holds (see <see cref="ShippedFaults"/>). Only the catalog's faults
/// with a local form (<c>local:</c> in their fault.yaml) whose check the local run can reproduce
/// (a variable, a memory limit, the retry policy) can be chosen; the others exist as Kubernetes
/// objects only.
/// </summary>
public sealed class LabFaultSelection
{
    /// <summary>The catalog faults a local run can reproduce.</summary>
    public static IReadOnlyList<LabFault> LocalFaults => [.. LabFaults.All.Where(f => EffectOf(f) is not null)];

    /// <summary>The ids of <see cref="LocalFaults"/>.</summary>
    public static IReadOnlyList<int> Available => [.. LocalFaults.Select(f => f.Number)];

    /// <summary>How a local run reproduces a fault, or null when it cannot.</summary>
    public static LocalFaultEffect? EffectOf(LabFault fault) => fault.Entry.Local is null ? null : fault.Check switch
    {
        CheckNames.Variables or CheckNames.Urls or CheckNames.Chaos when fault.Subject is not null => LocalFaultEffect.Variable,
        CheckNames.Memory => LocalFaultEffect.MemoryLimit,
        CheckNames.Retry => LocalFaultEffect.RetrySwitch,
        _ => null,
    };

    public static LabFaultSelection None { get; } = new([], null);

    LabFaultSelection(IEnumerable<int> faults, ShippedFaults? shipped)
    {
        Faults = new SortedSet<int>(faults);
        Shipped = shipped;
    }

    public IReadOnlySet<int> Faults { get; }

    /// <summary>The broken values, once <see cref="WithShippedValues"/> has read them; null before.</summary>
    public ShippedFaults? Shipped { get; }

    public bool Has(int fault) => Faults.Contains(fault);

    IEnumerable<LabFault> Chosen(LocalFaultEffect effect) => LocalFaults.Where(f => Has(f.Number) && EffectOf(f) == effect);

    /// <summary>
    /// The same faults with their broken values read from the repository's broken manifests. Read
    /// at each start, so an edited manifest counts from the next <c>up</c>; nothing is read when no
    /// fault is chosen.
    /// </summary>
    public LabFaultSelection WithShippedValues(LabRepository repository) =>
        Faults.Count == 0 ? this : new LabFaultSelection(Faults, ShippedFaults.Read(repository.BrokenManifestsDir, LocalFaults.Where(f => Has(f.Number))));

    ShippedFaults Values => Shipped ?? throw new InvalidOperationException("the shipped fault values have not been read; call WithShippedValues first");

    /// <summary>Reads the values given to <c>--fault</c>: numbers from <see cref="Available"/>, or <c>all</c>.</summary>
    public static LabFaultSelection Parse(IEnumerable<string> values, out string? problem)
    {
        problem = null;
        var faults = new HashSet<int>();
        foreach (var value in values)
        {
            if (value.Trim().Equals("all", StringComparison.OrdinalIgnoreCase))
            {
                faults.UnionWith(LocalFaults.Where(f => f.Shipped).Select(f => f.Number));
            }
            else if (int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var fault) && Available.Contains(fault))
            {
                faults.Add(fault);
            }
            else
            {
                var clusterOnly = LabFaults.All.Where(f => f.Shipped && EffectOf(f) is null).Select(f => f.Number).ToList();
                problem = $"--fault '{value}' is not a fault a local run can reproduce: use {string.Join(", ", Available)} or all"
                    + $" (faults {Words.List(clusterOnly)} live in the Kubernetes manifests only)";
                return None;
            }
        }
        return new LabFaultSelection(faults, null);
    }

    /// <summary>What each chosen fault changes in a service's variables (null removes one).</summary>
    public Dictionary<string, IReadOnlyDictionary<string, string?>> VariableOverrides()
    {
        var overrides = new Dictionary<string, Dictionary<string, string?>>();
        void Set(string service, string name, string? value)
        {
            if (!overrides.TryGetValue(service, out var variables))
            {
                overrides[service] = variables = [];
            }
            variables[name] = value;
        }
        foreach (var fault in Chosen(LocalFaultEffect.Variable))
        {
            Set(fault.Service, fault.Subject!, Values.Variable(fault.Service, fault.Subject!));
        }
        var retry = LocalFaults.Any(f => Has(f.Number) && EffectOf(f) == LocalFaultEffect.RetrySwitch);
        Set(ServiceCatalog.Order.Name, LocalRunSwitches.OrderRetry, retry ? LocalRunSwitches.RetryImmediate : LocalRunSwitches.RetryBackoff);
        return overrides.ToDictionary(o => o.Key, o => (IReadOnlyDictionary<string, string?>)o.Value);
    }

    /// <summary>True when a chosen fault leaves a variable the service requires unset, so it exits at start and the run does not wait for it.</summary>
    public bool ExitsAtStart(ServiceSpec service) =>
        Chosen(LocalFaultEffect.Variable).Any(f => f.Service == service.Name
            && service.Variables.Any(v => v.Name == f.Subject && v.Required)
            && string.IsNullOrEmpty(Values.Variable(f.Service, f.Subject!)));

    /// <summary>The memory limit a chosen fault puts on a service, in MiB; null for none.</summary>
    public int? MemoryLimitMiB(ServiceSpec service) =>
        Chosen(LocalFaultEffect.MemoryLimit).Any(f => f.Service == service.Name) ? Values.MemoryLimitsMiB[service.Name] : null;

    public override string ToString() => Faults.Count == 0 ? "none" : string.Join(", ", Faults);
}

/// <summary>Lists in words: "2, 4 and 5".</summary>
public static class Words
{
    public static string List<T>(IReadOnlyList<T> items) => items.Count switch
    {
        0 => "",
        1 => $"{items[0]}",
        _ => string.Join(", ", items.Take(items.Count - 1)) + " and " + items[^1],
    };
}
