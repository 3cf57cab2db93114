using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace CloudMart.ServiceDefaults.Http;

/// <summary>
/// Reads a JSON request body with the checks every CloudMart endpoint wants: the media type
/// (415), its charset (400), the size (413), the syntax (400) and the endpoint's own rule (400). The request
/// contracts bind through it, so a handler only ever sees a body that passed them all.
/// </summary>
public static class JsonBody
{
    public const int DefaultLimitBytes = 16 * 1024;

    /// <summary>The body, or an <see cref="InvalidRequestException"/> carrying the problem to answer with.</summary>
    /// <param name="check">The reason a parsed body is not acceptable, or null when it is.</param>
    public static async ValueTask<T> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo, Func<T, string?>? check = null,
        int limitBytes = DefaultLimitBytes)
        where T : class
    {
        var request = context.Request;
        if (!request.HasJsonContentType())
        {
            throw new InvalidRequestException(Problems.UnsupportedMediaType(request.ContentType));
        }
        if (!IsUtf8(request.ContentType))
        {
            // The media type is right and the label on it is wrong: a malformed request, not an unsupported one.
            throw new InvalidRequestException(Problems.BadRequest(
                $"JSON is sent in UTF-8: label the body 'application/json' or 'application/json; charset=utf-8' (got '{request.ContentType}')."));
        }
        if (request.ContentLength > limitBytes)
        {
            throw new InvalidRequestException(Problems.TooLarge(limitBytes));
        }

        var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limitBytes)
            {
                throw new InvalidRequestException(Problems.TooLarge(limitBytes));
            }
            buffer.Write(chunk, 0, read);
        }

        T? value;
        try
        {
            value = buffer.Length == 0 ? null : JsonSerializer.Deserialize(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), typeInfo);
        }
        catch (JsonException ex)
        {
            // The parser's message names .NET types and byte offsets: it belongs in the span, not the answer.
            Activity.Current?.AddException(ex);
            var where = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "" : $" at '{ex.Path}'";
            throw new InvalidRequestException(Problems.BadRequest(
                $"The request body is not valid JSON for this endpoint{where}: send each field once, with its exact name and type, and no other fields."));
        }
        if (value is null)
        {
            throw new InvalidRequestException(Problems.BadRequest("The request body must be a JSON object."));
        }
        if (check?.Invoke(value) is { } reason)
        {
            throw new InvalidRequestException(Problems.BadRequest(reason));
        }
        return value;
    }

    /// <summary>
    /// JSON is UTF-8 on the wire (RFC 8259); a body labelled with another charset would be read as
    /// something its sender did not mean, so only a missing label or "utf-8" is accepted.
    /// </summary>
    static bool IsUtf8(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && (parsed.Charset.Length == 0 || parsed.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            || parsed.Charset.Equals("\"utf-8\"", StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// A request refused before its handler runs. Binding can only hand a handler a value, so a
/// refusal travels as this exception to <see cref="ProblemExceptionHandler"/>, which answers with <see cref="Problem"/>.
/// </summary>
public sealed class InvalidRequestException(ProblemHttpResult problem) : Exception(problem.ProblemDetails.Detail)
{
    public ProblemHttpResult Problem { get; } = problem;
}

/// <summary>RFC 9457 problem responses, written the same way by every service.</summary>
public static class Problems
{
    public static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid request");

    public static ProblemHttpResult UnsupportedMediaType(string? contentType) =>
        TypedResults.Problem($"Send the body as application/json in UTF-8 (got '{contentType ?? "no content type"}').",
            statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");

    public static ProblemHttpResult TooLarge(int limitBytes) =>
        TypedResults.Problem($"The request body is larger than {limitBytes} bytes.",
            statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large");

    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult Unauthorized(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");

    /// <summary>
    /// Names the dependency and what went wrong in words a caller may read; the URL and the exception
    /// text stay in the log line and on the span, which the trace id in the answer leads to. The
    /// reason may already end a sentence (a dependency's own detail, passed on), so the period is
    /// added only where one is missing.
    /// </summary>
    public static ProblemHttpResult DependencyFailed(DependencyException ex) =>
        TypedResults.Problem(EndSentence($"The {ex.Dependency} call failed: {ex.PublicReason}"), statusCode: StatusCodes.Status502BadGateway,
            title: $"{ex.Dependency} call failed", extensions: new Dictionary<string, object?> { ["dependency"] = ex.Dependency });

    static string EndSentence(string text) => text.EndsWith('.') || text.EndsWith('!') || text.EndsWith('?') ? text : text + ".";

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflicts with an earlier request");

    public static ProblemHttpResult KeyReused(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency-Key reused with a different request");
}
