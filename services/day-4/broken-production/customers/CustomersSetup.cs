using System.Globalization;

namespace CloudMart.Customers;

/// <summary>
/// The services the customers need besides the shared ones. Their variables are declared in
/// <see cref="TrafficSource.Customers"/>, which the manifest tests and the diagnosis read too.
/// </summary>
public static class CustomersSetup
{
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
