using CloudMart.DatabaseService;
using CloudMart.ServiceDefaults;

return CloudMartHost.Run(args, ServiceCatalog.Database, DatabaseSetup.AddServices, DatabaseSetup.MapEndpoints);

/// <summary>The entry point; public so functional tests can host it.</summary>
public partial class Program;
