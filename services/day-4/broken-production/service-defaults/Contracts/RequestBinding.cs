using System.Reflection;
using CloudMart.ServiceDefaults.Http;
using Microsoft.AspNetCore.Http;

namespace CloudMart.ServiceDefaults.Contracts;

// A handler that takes one of these bodies as a parameter gets it read and checked by JsonBody
// before it runs, with the rule of its contract; binding through a static method keeps it free of
// reflection for Native AOT.

public sealed partial record OrderRequest : IBindableFromHttpContext<OrderRequest>
{
    public static async ValueTask<OrderRequest?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        await JsonBody.ReadAsync(context, CloudMartJson.Default.OrderRequest, OrderRules.Check);
}

public sealed partial record Order : IBindableFromHttpContext<Order>
{
    public static async ValueTask<Order?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        await JsonBody.ReadAsync(context, CloudMartJson.Default.Order, OrderRules.Check);
}

public sealed partial record NotifyRequest : IBindableFromHttpContext<NotifyRequest>
{
    public static async ValueTask<NotifyRequest?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        await JsonBody.ReadAsync(context, CloudMartJson.Default.NotifyRequest, NotifyRules.Check);
}

/// <summary>Its only rule is the auth-service's own (who may have a token); the api-service forwards it as it came.</summary>
public sealed partial record TokenRequest : IBindableFromHttpContext<TokenRequest>
{
    public static async ValueTask<TokenRequest?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        await JsonBody.ReadAsync(context, CloudMartJson.Default.TokenRequest);
}

/// <summary>Any token, or none, is a valid question: the answer says whether it is accepted.</summary>
public sealed partial record ValidateRequest : IBindableFromHttpContext<ValidateRequest>
{
    public static async ValueTask<ValidateRequest?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        await JsonBody.ReadAsync(context, CloudMartJson.Default.ValidateRequest);
}
