using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudMart.ServiceDefaults.Http;

/// <summary>
/// The <c>limit</c> query parameter of the services' list endpoints (the database-service's orders,
/// the notification-service's notifications): how many of the newest items to answer with.
/// </summary>
public static class ListLimit
{
    /// <summary>The limit when the caller gives none.</summary>
    public const int Default = 100;

    /// <summary>A 400 problem when the caller's limit is outside 1 to <paramref name="max"/>; null when it will do (or is absent).</summary>
    public static ProblemHttpResult? Check(int? requested, int max) =>
        requested is < 1 || requested > max ? Problems.BadRequest($"'limit' must be from 1 to {max} (got {requested}).") : null;
}
