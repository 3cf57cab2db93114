using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace CloudMart.ServiceDefaults.Http;

/// <summary>
/// The <c>Idempotency-Key</c> request header of checkout. The key does not need a table of its own:
/// the order id is derived from the customer and the key, and the database-service already stores an
/// id once, so every replica of every service agrees on a replay without sharing any state.
/// </summary>
public static class IdempotencyKey
{
    public const string Header = "Idempotency-Key";
    public const int MaxLength = 128;

    /// <summary>The request's key (null when it sent none), or an <see cref="InvalidRequestException"/> when the key is malformed.</summary>
    public static string? From(HttpRequest request)
    {
        var values = request.Headers[Header];
        if (values.Count == 0)
        {
            return null;
        }
        var key = values.Count == 1 ? values[0] : null;
        if (string.IsNullOrEmpty(key) || key.Length > MaxLength || !key.All(c => c is > ' ' and <= '~'))
        {
            throw new InvalidRequestException(Problems.BadRequest(
                $"Send one {Header} of 1 to {MaxLength} visible ASCII characters, e.g. a UUID, and the same key again when you retry."));
        }
        return key;
    }

    /// <summary>The order id for a customer's key: the same for every retry, different for every other customer or key.</summary>
    public static string OrderId(string? customer, string key)
    {
        // Length-prefixed so that no (customer, key) pair can be spelt as another one.
        var material = $"{(customer ?? "").Length}:{customer}|{key}";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(material));
        return "ord-" + Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }
}
