using System.Net;
using CloudMart.ServiceDefaults.Contracts;
using CloudMart.ServiceDefaults.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudMart.ApiService.Apis;

/// <summary>The public API behind the gateway: orders and tokens.</summary>
public static partial class ShopApi
{
    public static IEndpointRouteBuilder MapShopApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/orders", CreateOrder);
        app.MapGet("/api/orders", ListOrders).ForwardsBadRequests();
        app.MapPost("/api/token", IssueToken).ForwardsBadRequests();
        return app;
    }

    public static async Task<Results<Ok<OrderCreated>, ProblemHttpResult>> CreateOrder(OrderRequest order, HttpRequest request,
        [FromKeyedServices(ServiceNames.Auth)] DependencyClient auth,
        [FromKeyedServices(ServiceNames.Order)] DependencyClient orders,
        ILoggerFactory loggers)
    {
        string? token = null;
        if (request.Headers.Authorization.ToString() is { Length: > 0 } authorization)
        {
            token = BearerToken.From(authorization);
            if (token is null)
            {
                return Problems.Unauthorized("The Authorization header must be 'Bearer <token>'; get a token from POST /api/token, or send none to check out as a guest.");
            }
        }

        var key = IdempotencyKey.From(request);
        var logger = loggers.CreateLogger("CloudMart.ApiService.Orders");
        var aborted = request.HttpContext.RequestAborted;
        try
        {
            var identity = await auth.SendAsync(HttpMethod.Post, "/auth/validate",
                DependencyClient.Json(new ValidateRequest(token), CloudMartJson.Default.ValidateRequest),
                CloudMartJson.Default.ValidateResult, aborted, RefusedToken);
            if (!identity.Valid)
            {
                return Problems.Unauthorized(identity.Reason ?? "Token refused.");
            }

            var created = await orders.SendAsync(HttpMethod.Post, "/orders",
                DependencyClient.Json(order with { Customer = identity.Subject }, CloudMartJson.Default.OrderRequest),
                CloudMartJson.Default.OrderCreated, aborted,
                headers: key is null ? null : [new(IdempotencyKey.Header, key)]);
            LogAccepted(logger, created.Order.Id, identity.Subject ?? "guest");
            return TypedResults.Ok(created);
        }
        catch (DependencyException ex)
        {
            // The exception handler answers the client; the order's own failure line is logged here.
            LogFailed(logger, ex.Message);
            throw;
        }
    }

    /// <summary>
    /// A customer's own orders, newest first; an admin's view is every customer's. A guest has no
    /// history: orders name the customers who placed them, so the listing needs to know who asks.
    /// </summary>
    public static async Task<Results<Ok<OrderList>, ProblemHttpResult>> ListOrders(HttpRequest request,
        [FromKeyedServices(ServiceNames.Auth)] DependencyClient auth,
        [FromKeyedServices(ServiceNames.Order)] DependencyClient orders, int? limit, CancellationToken aborted)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (BearerToken.From(authorization) is not { } token || authorization.Length == BearerToken.Prefix.Length)
        {
            return Problems.Unauthorized("Order history needs a signed-in customer: send 'Authorization: Bearer <token>' with a token from POST /api/token.");
        }
        var identity = await auth.SendAsync(HttpMethod.Post, "/auth/validate",
            DependencyClient.Json(new ValidateRequest(token), CloudMartJson.Default.ValidateRequest),
            CloudMartJson.Default.ValidateResult, aborted, RefusedToken);
        if (!identity.Valid || identity.Guest || identity.Subject is null)
        {
            return Problems.Unauthorized(identity.Reason ?? "Token refused.");
        }

        var query = identity.Role == DemoAccounts.AdminRole ? QueryString.Empty : QueryString.Create("customer", identity.Subject);
        if (limit is not null)
        {
            query = query.Add("limit", limit.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return TypedResults.Ok(await orders.GetAsync("/orders" + query, CloudMartJson.Default.OrderList, aborted));
    }

    public static async Task<Ok<TokenIssued>> IssueToken(TokenRequest body, [FromKeyedServices(ServiceNames.Auth)] DependencyClient auth,
        CancellationToken aborted) =>
        TypedResults.Ok(await auth.SendAsync(HttpMethod.Post, "/auth/token", DependencyClient.Json(body, CloudMartJson.Default.TokenRequest),
            CloudMartJson.Default.TokenIssued, aborted, FailedSignIn));

    /// <summary>A 401 from the auth-service is the caller's failed sign-in, answered as theirs, not a failed call.</summary>
    static async Task<TokenIssued?> FailedSignIn(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return null;
        }
        var detail = await DependencyClient.ReadProblemDetailAsync(response, CancellationToken.None);
        throw new InvalidRequestException(Problems.Unauthorized(detail ?? "The username or password is not right."));
    }

    /// <summary>A 401 from the auth-service is an answer (the token is refused), not a failed call.</summary>
    static async Task<ValidateResult?> RefusedToken(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return null;
        }
        var detail = await DependencyClient.ReadProblemDetailAsync(response, CancellationToken.None);
        return new ValidateResult(false, null, false, null, null, detail ?? "Token refused.");
    }

    [LoggerMessage(EventId = 40, EventName = LogEvents.OrderAccepted, Level = LogLevel.Information, Message = "Order {OrderId} accepted for {Customer}")]
    static partial void LogAccepted(ILogger logger, string orderId, string customer);

    [LoggerMessage(EventId = 41, EventName = LogEvents.OrderFailed, Level = LogLevel.Error, Message = "Order failed: {Error}")]
    static partial void LogFailed(ILogger logger, string error);
}
