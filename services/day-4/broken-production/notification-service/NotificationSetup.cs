namespace CloudMart.NotificationService;

static class NotificationSetup
{
    public const string Webhook = "webhook";

    public static void AddServices(WebApplicationBuilder builder, ServiceSettings settings)
    {
        builder.Services.AddSingleton<NotificationLog>();
        builder.Services.AddOptions<NotificationOptions>().Bind(settings.Values).CheckedAgainst(settings.Service);
        if (settings.Values.Get<NotificationOptions>()?.WebhookUrl is { } webhook)
        {
            builder.Services.AddDependency(Webhook, webhook, TimeSpan.FromSeconds(2));
        }
    }
}

/// <summary>The notification-service's own variables (<see cref="ServiceCatalog.Notification"/>).</summary>
public sealed class NotificationOptions
{
    /// <summary>Where each notification is also forwarded; none when unset.</summary>
    public Uri? WebhookUrl { get; set; }
}
