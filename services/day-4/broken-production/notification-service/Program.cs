using CloudMart.NotificationService.Apis;
using CloudMart.ServiceDefaults;

namespace CloudMart.NotificationService;

public sealed class Program
{
    Program()
    {
    }

    public static int Main(string[] args) =>
        CloudMartHost.Run(args, ServiceCatalog.Notification, NotificationSetup.AddServices, app => app.MapNotifyApi());
}
