namespace CloudMart.NotificationService;

static class NotificationSetup
{
    public const string Webhook = "webhook";

    public static void AddServices(WebApplicationBuilder builder, ServiceSettings settings)
    {
        builder.Services.AddSingleton<NotificationLog>();
        if (settings.OptionalUrl("WEBHOOK_URL") is { } webhook)
        {
            builder.Services.AddDependency(Webhook, webhook, TimeSpan.FromSeconds(2));
        }
    }
}
