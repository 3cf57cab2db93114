using CloudMart.ApiService.Apis;
using CloudMart.ServiceDefaults;

namespace CloudMart.ApiService;

public sealed class Program
{
    Program()
    {
    }

    public static int Main(string[] args) =>
        CloudMartHost.Run(args, ServiceCatalog.Api, ApiSetup.AddServices, app => app.MapShopApi());
}
