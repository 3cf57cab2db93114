namespace CloudMart.Catalog;

/// <summary>
/// The lab's customers: a program of ours that shops through the gateway so production has
/// traffic of its own. It is not a component of the shop (not in <see cref="ServiceCatalog.All"/>)
/// and runs in a namespace of its own; the tools that read a manifests folder set it apart by that
/// namespace.
/// </summary>
public static class TrafficSource
{
    public const string Namespace = "customers";

    /// <summary>The gateway Service, reached the way a pod in another namespace reaches it.</summary>
    public const string DefaultTarget = "http://gateway.production.svc.cluster.local";

    public static ServiceSpec Customers { get; } = new("customers", 8080, 3005,
    [
        new("PORT", VariableKind.Port, Required: false, "8080", "a TCP port number from 1 to 65535 (serves /metrics and /health)"),
        new("TARGET_URL", VariableKind.HttpUrl, Required: false, DefaultTarget,
            $"an http:// URL of the shop's gateway, such as {DefaultTarget} or http://127.0.0.1:8080"),
        new("CHECKOUTS_PER_SECOND", VariableKind.Text, Required: false, "3",
            "a number of checkouts per second greater than 0 and below 1000, such as 3 or 0.5",
            Pattern: "^(?=.*[1-9])[0-9]{1,3}(\\.[0-9]{1,3})?$"),
        new("SIGNED_IN_SHARE", VariableKind.Rate, Required: false, "0.3",
            "the share of customers who sign in before checking out, a number from 0 to 1 (the rest are guests)"),
        new("VIEW_ORDERS_SHARE", VariableKind.Rate, Required: false, "0.5",
            "the share of signed-in customers who look at their orders after checking out, a number from 0 to 1"),
        new("CHECKOUT_TIMEOUT_SECONDS", VariableKind.PositiveInteger, Required: false, "30",
            "a whole number of seconds greater than 0 that one request may take before the customer gives up"),
        new("SUMMARY_INTERVAL_SECONDS", VariableKind.PositiveInteger, Required: false, "60",
            "a whole number of seconds greater than 0 between two summary lines in the log"),
        new("DURATION_SECONDS", VariableKind.PositiveInteger, Required: false, null,
            "a whole number of seconds greater than 0 after which the customers stop and the program exits (unset: run until stopped)"),
        // The hosting and telemetry variables every program of ours reads, declared once in the catalog.
        .. ServiceCatalog.Hosting,
        .. ServiceCatalog.Telemetry,
    ], MemoryNeedMiB: 64);
}
