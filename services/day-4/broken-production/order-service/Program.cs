using CloudMart.OrderService.Apis;
using CloudMart.OrderService.Faults;

namespace CloudMart.OrderService;

/// <summary>The entry point (abstract: never made, but a type the service tests can name).</summary>
public abstract class Program
{
    public static int Main(string[] args) =>
        CloudMartHost.Run(args, ServiceCatalog.Order, OrderSetup.AddServices, app =>
        {
            OrderSetup.LogRetryPolicy(app.Logger, LocalRetrySwitch.Effective());
            app.MapOrdersApi();
        });
}
