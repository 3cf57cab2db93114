namespace CloudMart.ServiceDefaults.Contracts;

/// <summary>What makes an order acceptable; every service that takes an order checks it the same way.</summary>
public static class OrderRules
{
    public const int MaxItemLength = 100;
    public const int MaxQuantity = 100;
    public const int MaxIdLength = 64;

    /// <summary>The reason the request is not a valid new order, or null when it is.</summary>
    public static string? Check(OrderRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Item))
        {
            return "'item' is required: name the product to order, e.g. {\"item\": \"laptop\", \"quantity\": 1}.";
        }
        if (request.Item.Length > MaxItemLength)
        {
            return $"'item' is longer than {MaxItemLength} characters.";
        }
        if (request.Quantity is < 1 or > MaxQuantity)
        {
            return $"'quantity' must be a whole number from 1 to {MaxQuantity} (got {request.Quantity}).";
        }
        if (request.Customer is { Length: > MaxItemLength })
        {
            return $"'customer' is longer than {MaxItemLength} characters.";
        }
        return null;
    }

    /// <summary>The reason a complete order (with id and timestamp) is not valid, or null when it is.</summary>
    public static string? Check(Order order)
    {
        if (string.IsNullOrWhiteSpace(order.Id) || order.Id.Length > MaxIdLength)
        {
            return $"'id' is required and at most {MaxIdLength} characters.";
        }
        if (order.Timestamp == default)
        {
            return "'timestamp' is required.";
        }
        return Check(new OrderRequest(order.Item, order.Quantity, order.Customer));
    }
}
