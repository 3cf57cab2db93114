namespace CloudMart.ApiService;

static class ApiSetup
{
    public static void AddServices(WebApplicationBuilder builder, ServiceSettings settings)
    {
        builder.Services.AddDependency(ServiceCatalog.Auth.Name, settings.Url("AUTH_SERVICE_URL"), TimeSpan.FromSeconds(5));
        // Long enough for the order-service to finish its own retries before the api gives up.
        builder.Services.AddDependency(ServiceCatalog.Order.Name, settings.Url("ORDER_SERVICE_URL"), TimeSpan.FromSeconds(15));
    }
}
