using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudMart.ServiceDefaults.Http;

/// <summary>
/// Answers the two failures that handlers leave to the pipeline, once for every service: a request
/// refused while its body was bound, and a call to another service that failed (502, or 400 on an
/// endpoint that <see cref="ProblemEndpointConventions.ForwardsBadRequests"/>). A failed call is
/// also recorded on the request's span, so the trace shows which dependency broke the request and how.
/// </summary>
public sealed class ProblemExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            InvalidRequestException invalid => invalid.Problem,
            DependencyException failed => DependencyProblem(httpContext, failed),
            _ => null,
        };
        if (problem is null)
        {
            return false;
        }
        await problem.ExecuteAsync(httpContext);
        return true;
    }

    static ProblemHttpResult DependencyProblem(HttpContext context, DependencyException failure)
    {
        if (failure.Status == HttpStatusCode.BadRequest
            && context.Features.Get<IExceptionHandlerFeature>()?.Endpoint?.Metadata.GetMetadata<ForwardedBadRequests>() is not null)
        {
            return Problems.BadRequest(failure.Detail ?? failure.PublicReason);
        }
        // A replay that does not match what is stored under its id is the caller's mistake, not a failed call.
        if (failure.Status is HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity)
        {
            return Problems.KeyReused(
                $"The {IdempotencyKey.Header} was used before with a different order (the {failure.Dependency} refused the replay); send a new key for a new order.");
        }
        if (Activity.Current is { } span)
        {
            span.AddException(failure);
            span.SetStatus(ActivityStatusCode.Error, failure.Message);
        }
        return Problems.DependencyFailed(failure);
    }
}

/// <summary>Marks an endpoint that passes its caller's input on to a dependency unchanged.</summary>
public sealed class ForwardedBadRequests
{
    internal static readonly ForwardedBadRequests Instance = new();

    ForwardedBadRequests()
    {
    }
}

public static class ProblemEndpointConventions
{
    /// <summary>
    /// The endpoint hands its caller's input (a query value, a body) to a dependency as it came, so
    /// a 400 from that dependency is the caller's mistake: it is answered as 400 with the
    /// dependency's reason, not as a failed call.
    /// </summary>
    public static TBuilder ForwardsBadRequests<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(ForwardedBadRequests.Instance);
}
