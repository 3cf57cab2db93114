namespace CloudMart.ServiceDefaults.Contracts;

/// <summary>What makes a notification acceptable to the notification-service.</summary>
public static class NotifyRules
{
    public const int MaxTypeLength = 64;

    /// <summary>The reason the request is not a valid notification, or null when it is.</summary>
    public static string? Check(NotifyRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Type) || request.Type.Length > MaxTypeLength)
        {
            return $"'type' is required and at most {MaxTypeLength} characters, e.g. \"order_created\".";
        }
        if (request.Order is null)
        {
            return "'order' is required: the order the notification is about.";
        }
        return OrderRules.Check(request.Order) is { } reason ? $"'order' is not valid: {reason}" : null;
    }
}
