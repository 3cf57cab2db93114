using CloudMart.NotificationService.Apis;

namespace CloudMart.NotificationService;

/// <summary>The entry point (abstract: never made, but a type the service tests can name).</summary>
public abstract class Program
{
    public static int Main(string[] args) =>
        CloudMartHost.Run(args, ServiceCatalog.Notification, NotificationSetup.AddServices, app => app.MapNotifyApi());
}
