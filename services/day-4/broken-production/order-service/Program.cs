using CloudMart.OrderService.Apis;
using CloudMart.ServiceDefaults;

namespace CloudMart.OrderService;

public sealed class Program
{
    Program()
    {
    }

    public static int Main(string[] args) =>
        CloudMartHost.Run(args, ServiceCatalog.Order, OrderSetup.AddServices, app => app.MapOrdersApi());
}
