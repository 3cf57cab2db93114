using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CloudMart.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Logging;
using Polly.Timeout;

namespace CloudMart.ServiceDefaults.Http;

/// <summary>A call to another service failed; the message names the dependency, the URL and the error.</summary>
/// <remarks>
/// <see cref="Reason"/> may carry host names, ports and exception texts: it is for logs and spans.
/// <see cref="PublicReason"/> is what a caller may read: the kind of failure, or the dependency's own answer.
/// </remarks>
public sealed class DependencyException(string dependency, string method, Uri url, string error, HttpStatusCode? status = null, Exception? inner = null,
    string? publicReason = null, string? detail = null)
    : Exception($"{dependency} {method} {url} failed: {error}", inner)
{
    /// <summary>The dependency's own words (its problem's detail), to pass on to our caller unwrapped; null when it gave none.</summary>
    public string? Detail { get; } = detail;

    public string Dependency { get; } = dependency;
    public string Url { get; } = url.ToString();
    public HttpStatusCode? Status { get; } = status;
    public string Reason { get; } = error;
    public string PublicReason { get; } = publicReason ?? error;
}

/// <summary>
/// JSON calls to one other CloudMart service. Records each call's outcome and duration by
/// dependency, and turns every failure into a <see cref="DependencyException"/> that says what failed.
/// </summary>
public sealed partial class DependencyClient(HttpClient http, string dependency, Uri baseUrl, ILogger logger)
{
    public string Dependency { get; } = dependency;
    public Uri BaseUrl { get; } = baseUrl;

    public Task<TResponse> PostAsync<TRequest, TResponse>(string path, TRequest body, JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, Json(body, requestType), responseType, cancellationToken);

    /// <summary>Posts JSON and accepts any 2xx answer without reading its body (for webhooks).</summary>
    public Task PostAsync<TRequest>(string path, TRequest body, JsonTypeInfo<TRequest> requestType, CancellationToken cancellationToken) =>
        SendAsync<bool>(HttpMethod.Post, path, Json(body, requestType), null, cancellationToken);

    /// <summary>
    /// A JSON request body serialized up front. Its length is known, so the request goes out with a
    /// Content-Length in one write, where a streamed body would be sent chunked, and the receiving
    /// service would have to parse chunk framing on every call.
    /// </summary>
    public static HttpContent Json<T>(T body, JsonTypeInfo<T> type)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, type));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    public Task<TResponse> GetAsync<TResponse>(string path, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, null, responseType, cancellationToken);

    /// <summary>Sends a request and returns the raw response for status codes the caller wants to handle itself.</summary>
    static HttpRequestMessage Request(HttpMethod method, Uri url, HttpContent? content, IEnumerable<KeyValuePair<string, string>>? headers)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return request;
    }

    /// <summary>The failure a transport error or an unreadable body is, and the outcome the call metric records for it.</summary>
    DependencyException Failure(Exception ex, HttpMethod method, Uri url, out string outcome)
    {
        if (ex is JsonException)
        {
            outcome = "bad_response";
            return new DependencyException(Dependency, method.Method, url, $"the response was not the expected JSON: {ex.Message}", inner: ex,
                publicReason: "the response was not the expected JSON");
        }
        outcome = ex is HttpRequestException ? "unreachable" : "timeout";
        var error = ex is HttpRequestException hre ? Describe(hre) : "timed out";
        return new DependencyException(Dependency, method.Method, url, error, inner: ex, publicReason: PublicDescription(ex));
    }

    void Log(string outcome, HttpMethod method, Uri url, DependencyException failure)
    {
        if (outcome == "http_4xx")
        {
            // The dependency refused what our caller sent: the caller's mistake, not a failure here.
            LogRefused(logger, Dependency, method.Method, url.ToString(), failure.Reason);
        }
        else
        {
            LogFailed(logger, Dependency, method.Method, url.ToString(), failure.Reason);
        }
    }

    public async Task<TResponse> SendAsync<TResponse>(HttpMethod method, string path, HttpContent? content,
        JsonTypeInfo<TResponse>? responseType, CancellationToken cancellationToken, Func<HttpResponseMessage, Task<TResponse?>>? onClientError = null,
        IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        var url = new Uri(BaseUrl, path);
        var started = Stopwatch.GetTimestamp();
        string outcome = "success";
        try
        {
            using var request = Request(method, url, content, headers);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                if (responseType is null)
                {
                    return default!;
                }
                var value = await response.Content.ReadFromJsonAsync(responseType, cancellationToken);
                return value ?? throw new DependencyException(Dependency, method.Method, url, "the response body was empty");
            }

            var status = (int)response.StatusCode;
            outcome = status >= 500 ? "http_5xx" : "http_4xx";
            if (status < 500 && onClientError is not null && await onClientError(response) is { } handled)
            {
                // An answer the caller expects (such as a 404 for "not there yet") is not a failed call.
                outcome = "success";
                return handled;
            }
            var detail = await ReadProblemDetailAsync(response, cancellationToken);
            throw new DependencyException(Dependency, method.Method, url,
                $"answered {status} {response.ReasonPhrase}{(detail is null ? "" : ": " + detail)}", response.StatusCode, detail: detail);
        }
        catch (DependencyException ex)
        {
            outcome = outcome == "success" ? "bad_response" : outcome;
            Log(outcome, method, url, ex);
            throw;
        }
        catch (Exception ex) when (ex is JsonException
            || ((ex is HttpRequestException or TimeoutRejectedException or TaskCanceledException) && !cancellationToken.IsCancellationRequested))
        {
            var failure = Failure(ex, method, url, out outcome);
            Log(outcome, method, url, failure);
            throw failure;
        }
        finally
        {
            CloudMartTelemetry.RecordCall(Dependency, outcome, Stopwatch.GetElapsedTime(started));
            if (outcome != "success")
            {
                Activity.Current?.SetStatus(ActivityStatusCode.Error, $"{Dependency} call failed ({outcome})");
            }
        }
    }

    static string Describe(HttpRequestException ex)
    {
        // The innermost message is the useful one: "Name or service not known (database:8080)", "Connection refused".
        var inner = ex.InnerException?.Message;
        return inner is null || ex.Message.Contains(inner, StringComparison.Ordinal) ? ex.Message : $"{ex.Message} ({inner})";
    }

    /// <summary>What kind of transport failure it was, without the host, port or exception text.</summary>
    static string PublicDescription(Exception ex) => ex switch
    {
        HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } => "its name did not resolve",
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => "the connection was refused or dropped",
        HttpRequestException => "no answer could be read",
        _ => "timed out",
    };

    /// <summary>The <c>detail</c> of a problem+json response, or null when the body has none.</summary>
    public static async Task<string?> ReadProblemDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (string.IsNullOrWhiteSpace(body))
            {
                return null;
            }
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String
                ? detail.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(EventId = 100, EventName = LogEvents.DependencyCallFailed, Level = LogLevel.Error,
        Message = "Call to {Dependency} failed: {Method} {Url}: {Error}")]
    static partial void LogFailed(ILogger logger, string dependency, string method, string url, string error);

    [LoggerMessage(EventId = 101, EventName = LogEvents.DependencyCallRefused, Level = LogLevel.Warning,
        Message = "{Dependency} refused {Method} {Url}: {Error}")]
    static partial void LogRefused(ILogger logger, string dependency, string method, string url, string error);
}
