using System.Text.Json;
using System.Text.Json.Serialization;

namespace CloudMart.ServiceDefaults.Contracts;

// The JSON bodies that travel between CloudMart's services and its clients. Field names and
// shapes follow the original lab, so a client written for it works unchanged.

/// <summary>What a client sends to <c>POST /api/orders</c> (and the api-service to <c>POST /orders</c>).</summary>
public sealed partial record OrderRequest(string? Item, int? Quantity, string? Customer = null);

/// <summary>An order as stored: its id and timestamp are given by the order-service.</summary>
public sealed partial record Order(string Id, string Item, int Quantity, DateTimeOffset Timestamp, string? Customer = null);

/// <summary>The answer to an order that was created.</summary>
public sealed record OrderCreated(bool Success, Order Order, string Message);

/// <summary>The answer of database-service <c>POST /store</c>; <c>Created</c> is false when the id was stored before.</summary>
public sealed record StoreResult(bool Success, Order Order, bool Created);

/// <summary>A page of the newest orders: <c>Count</c> in this answer, <c>Total</c> stored altogether.</summary>
public sealed record OrderList(IReadOnlyList<Order> Orders, int Count, long Total);

/// <summary>Body of auth-service <c>POST /auth/validate</c>. A null or empty token is a guest.</summary>
public sealed partial record ValidateRequest(string? Token);

/// <summary>
/// The answer of <c>POST /auth/validate</c>. <c>Role</c> is the account's (customer or admin), none
/// for a guest; <c>Reason</c> is set on a refusal and is the same for every refused token.
/// </summary>
public sealed record ValidateResult(bool Valid, string? Subject, bool Guest, string? SessionId, DateTimeOffset? ExpiresAt,
    string? Reason = null, string? Role = null);

/// <summary>Body of auth-service <c>POST /auth/token</c>: a sign-in.</summary>
public sealed partial record TokenRequest(string? Username, string? Password = null);

public sealed record TokenIssued(string Token, string TokenType, DateTimeOffset ExpiresAt);

/// <summary>Body of notification-service <c>POST /notify</c>.</summary>
public sealed partial record NotifyRequest(string? Type, Order? Order);

public sealed record NotificationRecord(string Id, string Type, Order Order, DateTimeOffset ReceivedAt, string Delivery);

public sealed record NotifyResult(bool Success, NotificationRecord Notification);

public sealed record NotificationList(IReadOnlyList<NotificationRecord> Notifications, int Count);

public sealed record HealthResponse(string Status, string Service, IReadOnlyDictionary<string, string> Checks);

// Strict reading: a body means one thing only. Web defaults would let a case variant ("ITEM") or a
// second "quantity" override the first, quietly drop unknown fields and read "5" as a number.
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = false, AllowDuplicateProperties = false, NumberHandling = JsonNumberHandling.Strict,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(OrderRequest))]
[JsonSerializable(typeof(Order))]
[JsonSerializable(typeof(OrderCreated))]
[JsonSerializable(typeof(StoreResult))]
[JsonSerializable(typeof(OrderList))]
[JsonSerializable(typeof(ValidateRequest))]
[JsonSerializable(typeof(ValidateResult))]
[JsonSerializable(typeof(TokenRequest))]
[JsonSerializable(typeof(TokenIssued))]
[JsonSerializable(typeof(NotifyRequest))]
[JsonSerializable(typeof(NotificationRecord))]
[JsonSerializable(typeof(NotifyResult))]
[JsonSerializable(typeof(NotificationList))]
[JsonSerializable(typeof(HealthResponse))]
public sealed partial class CloudMartJson : JsonSerializerContext;
