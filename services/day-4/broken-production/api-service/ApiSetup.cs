namespace CloudMart.ApiService;

static class ApiSetup
{
    public static void AddServices(WebApplicationBuilder builder, ServiceSettings settings)
    {
        builder.Services.AddOptions<ApiOptions>().Bind(settings.Values).CheckedAgainst(settings.Service);
        var options = settings.Values.Get<ApiOptions>()!;
        builder.Services.AddDependency(ServiceCatalog.Auth.Name, options.AuthServiceUrl, TimeSpan.FromSeconds(5));
        // Long enough for the order-service to finish its own retries before the api gives up.
        builder.Services.AddDependency(ServiceCatalog.Order.Name, options.OrderServiceUrl, TimeSpan.FromSeconds(15));
    }
}

/// <summary>The api-service's own variables (<see cref="ServiceCatalog.Api"/>), checked and defaulted there.</summary>
public sealed class ApiOptions
{
    public Uri AuthServiceUrl { get; set; } = null!;

    public Uri OrderServiceUrl { get; set; } = null!;
}
