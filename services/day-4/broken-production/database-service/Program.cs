namespace CloudMart.DatabaseService;

/// <summary>The entry point (abstract: never made, but a type the service tests can name).</summary>
public abstract class Program
{
    public static int Main(string[] args) =>
        CloudMartHost.Run(args, ServiceCatalog.Database, DatabaseSetup.AddServices, DatabaseSetup.MapEndpoints);
}
