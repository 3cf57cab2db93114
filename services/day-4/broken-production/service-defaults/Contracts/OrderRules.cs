using System.Globalization;
using System.Text;

namespace CloudMart.ServiceDefaults.Contracts;

/// <summary>What makes an order acceptable; every service that takes an order checks it the same way.</summary>
public static class OrderRules
{
    public const int MaxItemLength = 100;
    public const int MaxQuantity = 100;
    public const int MaxIdLength = 64;

    /// <summary>How far ahead of the server's clock an order's timestamp may be (clock skew between replicas).</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>The earliest timestamp an order may carry; nothing older was ever written by CloudMart.</summary>
    public static readonly DateTimeOffset EarliestTimestamp = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

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
        if (!IsPrintable(request.Item))
        {
            return "'item' may hold only printable characters: no control, line-break, direction-changing or invisible characters.";
        }
        if (request.Quantity is < 1 or > MaxQuantity)
        {
            return $"'quantity' must be a whole number from 1 to {MaxQuantity} (got {request.Quantity}).";
        }
        if (request.Customer is { Length: > MaxItemLength })
        {
            return $"'customer' is longer than {MaxItemLength} characters.";
        }
        if (request.Customer is not null && (request.Customer.Length == 0 || !IsPrintable(request.Customer)))
        {
            return "'customer' may hold only printable characters.";
        }
        return null;
    }

    /// <summary>The reason a complete order (with id and timestamp) is not valid, or null when it is.</summary>
    public static string? Check(Order order) => Check(order, DateTimeOffset.UtcNow);

    /// <summary>The reason a complete order is not valid at <paramref name="now"/>, or null when it is.</summary>
    public static string? Check(Order order, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(order.Id) || order.Id.Length > MaxIdLength || !order.Id.All(IsIdCharacter))
        {
            return $"'id' is required: 1 to {MaxIdLength} ASCII letters, digits, '-' or '_'.";
        }
        if (order.Timestamp == default)
        {
            return "'timestamp' is required.";
        }
        if (order.Timestamp < EarliestTimestamp || order.Timestamp > now + MaxClockSkew)
        {
            return $"'timestamp' must lie between {EarliestTimestamp:yyyy-MM-dd} and now.";
        }
        return Check(new OrderRequest(order.Item, order.Quantity, order.Customer));
    }

    /// <summary>
    /// True when every character is one a person can see or an ordinary space: no controls (NUL, CR LF),
    /// format characters (bidi overrides such as U+202E, zero-width ones), line or paragraph separators
    /// (U+2028), lone surrogates or U+FFFD, private-use or unassigned code points, and at least one visible character.
    /// Such characters let a name look like something else in a list, a log line or a terminal.
    /// </summary>
    public static bool IsPrintable(string text)
    {
        var visible = false;
        foreach (var rune in text.EnumerateRunes())
        {
            // A lone surrogate is enumerated as U+FFFD, the mark of text that was not valid to begin with.
            if (rune == Rune.ReplacementChar)
            {
                return false;
            }
            switch (Rune.GetUnicodeCategory(rune))
            {
                case UnicodeCategory.Control:
                case UnicodeCategory.Format:
                case UnicodeCategory.LineSeparator:
                case UnicodeCategory.ParagraphSeparator:
                case UnicodeCategory.PrivateUse:
                case UnicodeCategory.OtherNotAssigned:
                    return false;
                case UnicodeCategory.SpaceSeparator:
                    if (rune.Value != ' ')
                    {
                        return false;
                    }
                    break;
                default:
                    visible = true;
                    break;
            }
        }
        return visible;
    }

    static bool IsIdCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_';
}
