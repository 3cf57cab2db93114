using CloudMart.ApiService.Apis;

namespace CloudMart.ApiService;

/// <summary>The entry point (abstract: never made, but a type the service tests can name).</summary>
public abstract class Program
{
    public static int Main(string[] args) =>
        CloudMartHost.Run(args, ServiceCatalog.Api, ApiSetup.AddServices, app => app.MapShopApi());
}
