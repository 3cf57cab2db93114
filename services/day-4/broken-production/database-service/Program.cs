using CloudMart.ServiceDefaults;

namespace CloudMart.DatabaseService;

public sealed class Program
{
    Program()
    {
    }

    public static int Main(string[] args) =>
        CloudMartHost.Run(args, ServiceCatalog.Database, DatabaseSetup.AddServices, DatabaseSetup.MapEndpoints);
}
