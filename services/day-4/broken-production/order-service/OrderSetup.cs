using CloudMart.OrderService.Faults;
using CloudMart.ServiceDefaults;

namespace CloudMart.OrderService;

static class OrderSetup
{
    public static void AddServices(WebApplicationBuilder builder, ServiceSettings settings) =>
        AddServices(builder, settings, RetryFault.Shipped);

    /// <summary>Registers the two dependencies; tests pass a retry strategy to compare both.</summary>
    public static void AddServices(WebApplicationBuilder builder, ServiceSettings settings, RetryStrategy retry)
    {
        builder.Services.AddDependency(ServiceCatalog.Database.Name, settings.Url("DATABASE_URL"))
            .AddStoreRetry(ServiceCatalog.Database.Name, retry);
        // A notification is best effort: a short timeout, no retry, and its failure never fails the order.
        builder.Services.AddDependency(ServiceCatalog.Notification.Name, settings.Url("NOTIFICATION_URL"), TimeSpan.FromSeconds(2));
    }
}
