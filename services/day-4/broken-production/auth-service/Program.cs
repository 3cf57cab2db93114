using CloudMart.AuthService.Apis;
using CloudMart.ServiceDefaults;

namespace CloudMart.AuthService;

public static class Program
{
    public static int Main(string[] args) =>
        CloudMartHost.Run(args, ServiceCatalog.Auth, AuthSetup.AddServices, app => app.MapAuthApi());
}
