using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace CloudMart.ServiceDefaults.Http;

/// <summary>
/// Reads a JSON request body with the checks every CloudMart endpoint wants: the content type
/// (415), the size (413) and the syntax (400), each answered with a problem+json body.
/// </summary>
public static class JsonBody
{
    public const int DefaultLimitBytes = 16 * 1024;

    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo, int limitBytes = DefaultLimitBytes)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, Problems.UnsupportedMediaType(request.ContentType));
        }
        if (request.ContentLength > limitBytes)
        {
            return (null, Problems.TooLarge(limitBytes));
        }

        var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limitBytes)
            {
                return (null, Problems.TooLarge(limitBytes));
            }
            buffer.Write(chunk, 0, read);
        }

        try
        {
            var value = buffer.Length == 0 ? null : JsonSerializer.Deserialize(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), typeInfo);
            return value is null
                ? (null, Problems.BadRequest("The request body must be a JSON object."))
                : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, Problems.BadRequest($"The request body is not valid JSON for this endpoint: {ex.Message}"));
        }
    }
}

/// <summary>RFC 9457 problem responses, written the same way by every service.</summary>
public static class Problems
{
    public static IResult BadRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid request");

    public static IResult UnsupportedMediaType(string? contentType) =>
        TypedResults.Problem($"Send the body as application/json (got '{contentType ?? "no content type"}').",
            statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");

    public static IResult TooLarge(int limitBytes) =>
        TypedResults.Problem($"The request body is larger than {limitBytes} bytes.",
            statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large");

    public static IResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static IResult Unauthorized(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");

    public static IResult DependencyFailed(DependencyException ex) =>
        TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status502BadGateway, title: $"{ex.Dependency} call failed",
            extensions: new Dictionary<string, object?> { ["dependency"] = ex.Dependency, ["url"] = ex.Url });
}
