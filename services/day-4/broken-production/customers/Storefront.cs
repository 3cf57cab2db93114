using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CloudMart.ServiceDefaults.Contracts;
using CloudMart.ServiceDefaults.Http;

namespace CloudMart.Customers;

/// <summary>
/// What one request got: an HTTP status, or <c>timeout</c> / <c>unreachable</c> when no answer came.
/// <see cref="Label"/> is how the log and the metrics name it.
/// </summary>
public readonly record struct Answer(int? Status, string? Failure)
{
    public const string Timeout = "timeout";
    public const string Unreachable = "unreachable";

    public bool Succeeded => Status is >= 200 and < 300;

    /// <summary>Whether a customer would press the button again: the shop failed or did not answer in time.</summary>
    public bool WorthRetrying => Status >= 500 || Failure == Timeout;

    public string Label => Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Failure ?? Unreachable;
}

/// <summary>
/// The shop as a storefront sees it: the public API behind the gateway. Each call is bounded by
/// the checkout timeout and carries the caller's trace context (the HttpClient instrumentation
/// adds <c>traceparent</c>).
/// </summary>
public sealed class Storefront(IHttpClientFactory clients, CustomerOptions options)
{
    public const string HttpClientName = "storefront";

    /// <summary>How long before its expiry a token is replaced, so a checkout never carries one that lapses on the way.</summary>
    static readonly TimeSpan TokenMargin = TimeSpan.FromMinutes(1);

    readonly ConcurrentDictionary<string, TokenIssued> _tokens = new(StringComparer.Ordinal);

    /// <summary>
    /// A token for <paramref name="customer"/>: the one they signed in with earlier while it is valid,
    /// else a new sign-in. The sign-in request lives here alone, so a change to what it takes is one edit.
    /// </summary>
    public async Task<(Answer Answer, string? Token)> SignInAsync(string customer, CancellationToken stopping)
    {
        if (_tokens.TryGetValue(customer, out var known) && known.ExpiresAt - TokenMargin > DateTimeOffset.UtcNow)
        {
            return (new Answer(200, null), known.Token);
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(options.Target, "/api/token"))
        {
            // The regulars are lab accounts with one published password (DemoAccounts).
            Content = DependencyClient.Json(new TokenRequest(customer, DemoAccounts.RegularPassword), CloudMartJson.Default.TokenRequest),
        };
        TokenIssued? issued = null;
        var answer = await SendAsync(request, async (response, token) =>
            issued = await response.Content.ReadFromJsonAsync(CloudMartJson.Default.TokenIssued, token), stopping);
        if (answer.Succeeded && issued is not null)
        {
            _tokens[customer] = issued;
            return (answer, issued.Token);
        }
        return (answer.Succeeded ? new Answer(null, "bad_token_response") : answer, null);
    }

    /// <summary>Forgets a customer's token after the shop refused it, so their next visit signs in again.</summary>
    public void SignOut(string customer) => _tokens.TryRemove(customer, out _);

    /// <summary>
    /// One attempt at <c>POST /api/orders</c>. The idempotency key names the checkout, so a repeated
    /// attempt carries the same one and a shop that honours it stores the order once.
    /// </summary>
    public Task<Answer> PlaceOrderAsync(OrderRequest order, string? token, Guid idempotencyKey, CancellationToken stopping)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(options.Target, "/api/orders"))
        {
            Content = DependencyClient.Json(order, CloudMartJson.Default.OrderRequest),
        };
        request.Headers.Add("Idempotency-Key", idempotencyKey.ToString());
        Authorize(request, token);
        return SendAndDisposeAsync(request, stopping);
    }

    /// <summary><c>GET /api/orders</c> as a signed-in customer looking at their orders.</summary>
    public Task<Answer> ViewOrdersAsync(string token, CancellationToken stopping)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(options.Target, "/api/orders?limit=10"));
        Authorize(request, token);
        return SendAndDisposeAsync(request, stopping);
    }

    static void Authorize(HttpRequestMessage request, string? token)
    {
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    async Task<Answer> SendAndDisposeAsync(HttpRequestMessage request, CancellationToken stopping)
    {
        using (request)
        {
            return await SendAsync(request, null, stopping);
        }
    }

    /// <summary>
    /// Sends within the timeout and reads the whole answer. Cancellation by <paramref name="stopping"/>
    /// propagates (the program is ending; that is no answer from the shop).
    /// </summary>
    async Task<Answer> SendAsync(HttpRequestMessage request, Func<HttpResponseMessage, CancellationToken, Task>? readSuccess, CancellationToken stopping)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        deadline.CancelAfter(options.RequestTimeout);
        try
        {
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            if (response.IsSuccessStatusCode && readSuccess is not null)
            {
                await readSuccess(response, deadline.Token);
            }
            else
            {
                await response.Content.CopyToAsync(Stream.Null, deadline.Token);
            }
            return new Answer((int)response.StatusCode, null);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return new Answer(null, Answer.Timeout);
        }
        catch (HttpRequestException)
        {
            return new Answer(null, Answer.Unreachable);
        }
        catch (JsonException)
        {
            return new Answer(null, "bad_response");
        }
    }
}
