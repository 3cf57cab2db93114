using CloudMart.OrderService.Apis;
using CloudMart.OrderService.Faults;
using CloudMart.ServiceDefaults;

namespace CloudMart.OrderService;

public sealed class Program
{
    Program()
    {
    }

    public static int Main(string[] args) =>
        CloudMartHost.Run(args, ServiceCatalog.Order, OrderSetup.AddServices, app =>
        {
            OrderSetup.LogRetryPolicy(app.Logger, LocalRetrySwitch.Effective());
            app.MapOrdersApi();
        });
}
