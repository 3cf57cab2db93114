using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace CloudMart.ServiceDefaults.Http;

/// <summary>
/// The <c>Idempotency-Key</c> request header of checkout. The key does not need a table of its own:
/// the order id is derived from the customer and the key, and the database-service already stores an
/// id once, so every replica of every service agrees on a replay without sharing any state. A key
/// holds for <see cref="Window"/> from its order's time; after that the same key names the key's next
/// id (generation 1, 2, ...), so it makes a new order and the earlier one stays as it was.
/// </summary>
public static class IdempotencyKey
{
    public const string Header = "Idempotency-Key";
    public const int MaxLength = 128;

    /// <summary>How long a replay answers with the first result; from then on the key is free.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    /// <summary>The service key of the clock the window is measured with.</summary>
    public const string Clock = "idempotency-clock";

    /// <summary>How many windows one key may span; past that a client is told to send a new key.</summary>
    public const int MaxGenerations = 1000;

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

    /// <summary>
    /// The order id for a customer's key in its <paramref name="generation"/>-th window: the same for
    /// every retry, different for every other customer, key or generation.
    /// </summary>
    public static string OrderId(string? customer, string key, int generation = 0)
    {
        // Length-prefixed so that no (customer, key) pair can be spelt as another one; generation 0
        // keeps the ids of orders stored before keys had windows.
        var material = $"{(customer ?? "").Length}:{customer}|{key}" + (generation == 0 ? "" : $"|{generation}");
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(material));
        return "ord-" + Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }

    /// <summary>Whether an order stored at <paramref name="stored"/> still answers its key's replays at <paramref name="now"/>.</summary>
    public static bool Holds(DateTimeOffset stored, DateTimeOffset now) => now - stored < Window;
}
