using CloudMart.AuthService.Apis;
using CloudMart.ServiceDefaults;

namespace CloudMart.AuthService;

public sealed class Program
{
    Program()
    {
    }

    public static int Main(string[] args) =>
        CloudMartHost.Run(args, ServiceCatalog.Auth, AuthSetup.AddServices, app => app.MapAuthApi());
}
