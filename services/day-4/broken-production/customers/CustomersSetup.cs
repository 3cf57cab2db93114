using System.Globalization;
using CloudMart.ServiceDefaults;

namespace CloudMart.Customers;

/// <summary>
/// What the traffic source is and reads. It is not one of the shop's components (it is not in
/// <see cref="ServiceCatalog.All"/>), but it starts, validates its variables, logs and serves
/// <c>/metrics</c> and <c>/health</c> the way they do.
/// </summary>
public static class CustomersSetup
{
    /// <summary>The Kubernetes namespace the customers run in, apart from the shop's <c>production</c>.</summary>
    public const string Namespace = "customers";

    public const string DefaultTarget = "http://gateway.production.svc.cluster.local";

    public static ServiceSpec Spec { get; } = new("customers", 8080, 3005,
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
        // Declared once in the catalog; taken from there so every program reads them alike.
        .. ServiceCatalog.Api.Variables.Where(v => v.Name.StartsWith("OTEL_", StringComparison.Ordinal)),
    ], MemoryNeedMiB: 64);

    public static void AddServices(Microsoft.AspNetCore.Builder.WebApplicationBuilder builder, ServiceSettings settings)
    {
        var options = CustomerOptions.From(settings);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<CheckoutStats>();
        builder.Services.AddHttpClient(Storefront.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                // A Service with no endpoints may drop the connection attempt instead of refusing it.
                ConnectTimeout = TimeSpan.FromSeconds(Math.Min(5, options.RequestTimeout.TotalSeconds)),
                MaxConnectionsPerServer = options.MaxInFlight,
                UseProxy = false,
                UseCookies = false,
                AllowAutoRedirect = false,
            });
        builder.Services.AddSingleton<Storefront>();
        builder.Services.AddHostedService<CustomerTraffic>();
    }
}

/// <summary>The traffic source's checked settings.</summary>
public sealed record CustomerOptions(
    Uri Target,
    double CheckoutsPerSecond,
    double SignedInShare,
    double ViewOrdersShare,
    TimeSpan RequestTimeout,
    TimeSpan SummaryInterval,
    TimeSpan? Duration)
{
    /// <summary>
    /// Arrivals beyond this many unfinished visits are turned away: enough for every visit of two
    /// timeouts' worth to hang (each checkout may be tried twice), so it binds only to keep memory
    /// bounded when the shop hangs for longer than that.
    /// </summary>
    public int MaxInFlight => (int)Math.Ceiling(CheckoutsPerSecond * (2 * RequestTimeout.TotalSeconds + 1)) + 8;

    public static CustomerOptions From(ServiceSettings settings) => new(
        settings.Url("TARGET_URL"),
        double.Parse(settings.RequiredText("CHECKOUTS_PER_SECOND"), CultureInfo.InvariantCulture),
        settings.Rate("SIGNED_IN_SHARE"),
        settings.Rate("VIEW_ORDERS_SHARE"),
        TimeSpan.FromSeconds(settings.Integer("CHECKOUT_TIMEOUT_SECONDS")),
        TimeSpan.FromSeconds(settings.Integer("SUMMARY_INTERVAL_SECONDS")),
        settings.Text("DURATION_SECONDS") is { } duration ? TimeSpan.FromSeconds(int.Parse(duration, CultureInfo.InvariantCulture)) : null);
}
