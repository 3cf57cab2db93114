using System.Globalization;
using CloudMart.Catalog;

namespace CloudMart.Lab;

/// <summary>
/// The lab faults a local run puts back on purpose (<c>cloudmart up --fault N</c>), each with the
/// broken value <c>k8s/day-4/broken-production/</c> holds (see <see cref="ShippedFaults"/>). Only the
/// faults that exist outside Kubernetes can be chosen: 1, 3, 6, 7 and 8. The other four live in
/// manifests (image tag, probe, selector).
/// </summary>
public sealed class LabFaultSelection
{
    /// <summary>The faults a local run can reproduce.</summary>
    public static readonly IReadOnlyList<int> Available = [1, 3, 6, 7, 8];

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

    /// <summary>
    /// The same faults with their broken values read from the repository's broken manifests. Read
    /// at each start, so an edited manifest counts from the next <c>up</c>; nothing is read when no
    /// fault is chosen.
    /// </summary>
    public LabFaultSelection WithShippedValues(LabRepository repository) =>
        Faults.Count == 0 ? this : new LabFaultSelection(Faults, ShippedFaults.Read(repository.BrokenManifestsDir));

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
                faults.UnionWith(Available);
            }
            else if (int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var fault) && Available.Contains(fault))
            {
                faults.Add(fault);
            }
            else
            {
                problem = $"--fault '{value}' is not a fault a local run can reproduce: use {string.Join(", ", Available)} or all"
                    + " (faults 2, 4 and 5 live in the Kubernetes manifests only)";
                return None;
            }
        }
        return new LabFaultSelection(faults, null);
    }

    /// <summary>What each chosen fault changes in a service's variables (null removes one).</summary>
    public Dictionary<string, IReadOnlyDictionary<string, string?>> VariableOverrides()
    {
        var overrides = new Dictionary<string, Dictionary<string, string?>>();
        void Set(ServiceSpec service, string name, string? value)
        {
            if (!overrides.TryGetValue(service.Name, out var variables))
            {
                overrides[service.Name] = variables = [];
            }
            variables[name] = value;
        }
        if (Has(1))
        {
            Set(ServiceCatalog.Database, "DB_NAME", Values.DatabaseName);
        }
        if (Has(3))
        {
            Set(ServiceCatalog.Order, "DATABASE_URL", Values.DatabaseUrl);
        }
        Set(ServiceCatalog.Order, LocalRunSwitches.OrderRetry, Has(7) ? LocalRunSwitches.RetryImmediate : LocalRunSwitches.RetryBackoff);
        if (Has(8))
        {
            Set(ServiceCatalog.Database, "CHAOS_FAILURE_RATE", Values.ChaosFailureRate);
        }
        return overrides.ToDictionary(o => o.Key, o => (IReadOnlyDictionary<string, string?>)o.Value);
    }

    /// <summary>The service a chosen fault makes exit at start, which the run then does not wait for.</summary>
    public bool ExitsAtStart(ServiceSpec service) =>
        Has(1) && service.Name == ServiceCatalog.Database.Name && string.IsNullOrEmpty(Values.DatabaseName);

    /// <summary>The memory limit a chosen fault puts on a service, in MiB; null for none.</summary>
    public int? MemoryLimitMiB(ServiceSpec service) => Has(6) && service.Name == ServiceCatalog.Auth.Name ? Values.AuthMemoryMiB : null;

    public override string ToString() => Faults.Count == 0 ? "none" : string.Join(", ", Faults);
}
