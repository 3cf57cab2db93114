using System.Net;
using CloudMart.ServiceDefaults.Contracts;
using CloudMart.ServiceDefaults.Http;

namespace CloudMart.ApiService.Apis;

/// <summary>The public API behind the gateway: orders and tokens.</summary>
public static partial class ShopApi
{
    public static IEndpointRouteBuilder MapShopApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/orders", CreateOrder);
        app.MapGet("/api/orders", ListOrders);
        app.MapPost("/api/token", IssueToken);
        return app;
    }

    public static async Task<IResult> CreateOrder(HttpRequest request,
        [FromKeyedServices(ServiceNames.Auth)] DependencyClient auth,
        [FromKeyedServices(ServiceNames.Order)] DependencyClient orders,
        ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("CloudMart.ApiService.Orders");
        var (body, problem) = await JsonBody.ReadAsync(request, CloudMartJson.Default.OrderRequest);
        if (problem is not null)
        {
            return problem;
        }
        if (OrderRules.Check(body!) is { } reason)
        {
            return Problems.BadRequest(reason);
        }

        string? token = null;
        if (request.Headers.Authorization.ToString() is { Length: > 0 } authorization)
        {
            if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                return Problems.Unauthorized("The Authorization header must be 'Bearer <token>'; get a token from POST /api/token, or send none to check out as a guest.");
            }
            token = authorization["Bearer ".Length..].Trim();
        }

        var aborted = request.HttpContext.RequestAborted;
        ValidateResult identity;
        try
        {
            identity = await auth.SendAsync(HttpMethod.Post, "/auth/validate",
                DependencyClient.Json(new ValidateRequest(token), CloudMartJson.Default.ValidateRequest),
                CloudMartJson.Default.ValidateResult, aborted, RefusedToken);
        }
        catch (DependencyException ex)
        {
            LogFailed(logger, ex.Message);
            return Problems.DependencyFailed(ex);
        }
        if (!identity.Valid)
        {
            return Problems.Unauthorized(identity.Reason ?? "Token refused.");
        }

        try
        {
            var created = await orders.PostAsync("/orders", body! with { Customer = identity.Subject },
                CloudMartJson.Default.OrderRequest, CloudMartJson.Default.OrderCreated, aborted);
            LogAccepted(logger, created.Order.Id, identity.Subject ?? "guest");
            return TypedResults.Ok(created);
        }
        catch (DependencyException ex)
        {
            LogFailed(logger, ex.Message);
            return Problems.DependencyFailed(ex);
        }
    }

    public static async Task<IResult> ListOrders(HttpRequest request, [FromKeyedServices(ServiceNames.Order)] DependencyClient orders, int? limit)
    {
        try
        {
            var path = limit is null ? "/orders" : $"/orders?limit={limit}";
            return TypedResults.Ok(await orders.GetAsync(path, CloudMartJson.Default.OrderList, request.HttpContext.RequestAborted));
        }
        catch (DependencyException ex) when (ex.Status == HttpStatusCode.BadRequest)
        {
            return Problems.BadRequest(ex.Detail ?? ex.Reason);
        }
        catch (DependencyException ex)
        {
            return Problems.DependencyFailed(ex);
        }
    }

    public static async Task<IResult> IssueToken(HttpRequest request, [FromKeyedServices(ServiceNames.Auth)] DependencyClient auth)
    {
        var (body, problem) = await JsonBody.ReadAsync(request, CloudMartJson.Default.TokenRequest);
        if (problem is not null)
        {
            return problem;
        }
        try
        {
            return TypedResults.Ok(await auth.PostAsync("/auth/token", body!, CloudMartJson.Default.TokenRequest,
                CloudMartJson.Default.TokenIssued, request.HttpContext.RequestAborted));
        }
        catch (DependencyException ex) when (ex.Status == HttpStatusCode.BadRequest)
        {
            return Problems.BadRequest(ex.Detail ?? ex.Reason);
        }
        catch (DependencyException ex)
        {
            return Problems.DependencyFailed(ex);
        }
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
