using System.Globalization;
using CloudMart.Catalog;

namespace CloudMart.Lab;

/// <summary>
/// The lab faults a local run puts back on purpose (<c>cloudmart up --fault N</c>), each exactly as
/// <c>k8s/day-4/broken-production/</c> ships it. Only the faults that exist outside Kubernetes can be
/// chosen: 1, 3, 6, 7 and 8. The other four live in manifests (image tag, probe, selector).
/// </summary>
public sealed class LabFaultSelection
{
    /// <summary>The faults a local run can reproduce.</summary>
    public static readonly IReadOnlyList<int> Available = [1, 3, 6, 7, 8];

    /// <summary>The broken manifests' values, as shipped.</summary>
    public const string ShippedDatabaseUrl = "http://database:8080";
    public const string ShippedChaosRate = "0.5";
    public const int ShippedAuthMemoryMiB = 64;

    public static LabFaultSelection None { get; } = new([]);

    LabFaultSelection(IEnumerable<int> faults) => Faults = new SortedSet<int>(faults);

    public IReadOnlySet<int> Faults { get; }

    public bool Has(int fault) => Faults.Contains(fault);

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
        return new LabFaultSelection(faults);
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
            Set(ServiceCatalog.Database, "DB_NAME", null);
        }
        if (Has(3))
        {
            Set(ServiceCatalog.Order, "DATABASE_URL", ShippedDatabaseUrl);
        }
        Set(ServiceCatalog.Order, LocalRunSwitches.OrderRetry, Has(7) ? LocalRunSwitches.RetryImmediate : LocalRunSwitches.RetryBackoff);
        if (Has(8))
        {
            Set(ServiceCatalog.Database, "CHAOS_FAILURE_RATE", ShippedChaosRate);
        }
        return overrides.ToDictionary(o => o.Key, o => (IReadOnlyDictionary<string, string?>)o.Value);
    }

    /// <summary>The service a chosen fault makes exit at start, which the run then does not wait for.</summary>
    public bool ExitsAtStart(ServiceSpec service) => Has(1) && service.Name == ServiceCatalog.Database.Name;

    /// <summary>The memory limit a chosen fault puts on a service, in MiB; null for none.</summary>
    public int? MemoryLimitMiB(ServiceSpec service) => Has(6) && service.Name == ServiceCatalog.Auth.Name ? ShippedAuthMemoryMiB : null;

    public override string ToString() => Faults.Count == 0 ? "none" : string.Join(", ", Faults);
}
