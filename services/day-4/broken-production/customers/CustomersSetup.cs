namespace CloudMart.Customers;

/// <summary>
/// The services the customers need besides the shared ones. Their variables are declared in
/// <see cref="TrafficSource.Customers"/>, which the manifest tests and the diagnosis read too.
/// </summary>
public static class CustomersSetup
{
    public static void AddServices(Microsoft.AspNetCore.Builder.WebApplicationBuilder builder, ServiceSettings settings)
    {
        builder.Services.AddOptions<CustomerOptions>().Bind(settings.Values).CheckedAgainst(settings.Service);
        var options = settings.Values.Get<CustomerOptions>()!;
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

/// <summary>The traffic source's variables (<see cref="TrafficSource.Customers"/>), checked and defaulted there.</summary>
public sealed class CustomerOptions
{
    public Uri TargetUrl { get; set; } = null!;

    public double CheckoutsPerSecond { get; set; }

    public double SignedInShare { get; set; }

    public double ViewOrdersShare { get; set; }

    public int CheckoutTimeoutSeconds { get; set; }

    public int SummaryIntervalSeconds { get; set; }

    public int? DurationSeconds { get; set; }

    public Uri Target => TargetUrl;

    public TimeSpan RequestTimeout => TimeSpan.FromSeconds(CheckoutTimeoutSeconds);

    public TimeSpan SummaryInterval => TimeSpan.FromSeconds(SummaryIntervalSeconds);

    /// <summary>How long the customers shop before the program exits; null: until stopped.</summary>
    public TimeSpan? Duration => DurationSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null;

    /// <summary>
    /// Arrivals beyond this many unfinished visits are turned away: enough for every visit of two
    /// timeouts' worth to hang (each checkout may be tried twice), so it binds only to keep memory
    /// bounded when the shop hangs for longer than that.
    /// </summary>
    public int MaxInFlight => (int)Math.Ceiling(CheckoutsPerSecond * (2 * RequestTimeout.TotalSeconds + 1)) + 8;
}
