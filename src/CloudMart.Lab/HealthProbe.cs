using System.Net;
using System.Text.Json;

namespace CloudMart.Lab;

/// <summary>What one GET of a health path said: healthy or not, the status code and body, or why there was no answer (StatusCode null).</summary>
public sealed record HealthAnswer(bool Healthy, int? StatusCode, string Body, string? Error = null);

/// <summary>
/// The one definition of "healthy" and the one probe of it, for up, status, verify, the benchmark
/// and the tests. A CloudMart component (a service or the gateway) is healthy when <c>GET /health</c>
/// answers 200 with JSON whose <c>service</c> is its name and whose <c>status</c> is <c>ok</c>: another
/// program on its port is not it, and a service draining before a stop answers 503. The programs
/// <c>up --observe</c> runs beside it (the dashboard, Prometheus) are not ours: for them healthy is
/// 200 from their own ready path.
/// </summary>
public static class HealthProbe
{
    /// <summary>The path every CloudMart component answers, in the cluster's probes and here.</summary>
    public const string Path = "/health";

    /// <summary>How long one probe waits by default; status asks all at once with a shorter wait.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(2);

    static readonly HttpClient Http = ToolHttp.Create(Timeout.InfiniteTimeSpan, connectTimeout: TimeSpan.FromSeconds(1),
        pooledConnectionLifetime: TimeSpan.FromSeconds(30));

    /// <summary>The health URL of a component at <paramref name="componentUrl"/> (its base address).</summary>
    public static Uri UrlOf(string componentUrl, string path = Path) => new(componentUrl.TrimEnd('/') + path);

    /// <summary>The health URL of a component at <paramref name="componentUrl"/> (its base address).</summary>
    public static Uri UrlOf(Uri componentUrl, string path = Path) => UrlOf(componentUrl.ToString(), path);

    /// <summary>
    /// Asks <paramref name="health"/> once, waiting at most <paramref name="wait"/> (<see cref="DefaultWait"/> when null).
    /// <paramref name="component"/> is the name the answer must carry; null for a program that is not ours.
    /// </summary>
    public static async Task<HealthAnswer> ProbeAsync(Uri health, string? component, TimeSpan? wait = null, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(wait ?? DefaultWait);
        try
        {
            using var response = await Http.GetAsync(health, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            var healthy = response.StatusCode == HttpStatusCode.OK && (component is null || IsHealthyBody(body, component));
            return new HealthAnswer(healthy, (int)response.StatusCode, body);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            return new HealthAnswer(false, null, "", ex.Message);
        }
    }

    /// <summary>True when <paramref name="health"/> answers as a healthy <paramref name="component"/> (see the class).</summary>
    public static async Task<bool> IsHealthyAsync(Uri health, string component, CancellationToken cancellationToken) =>
        (await ProbeAsync(health, component, cancellationToken: cancellationToken)).Healthy;

    /// <summary>The body of a healthy answer: JSON naming <paramref name="component"/> with status ok.</summary>
    public static bool IsHealthyBody(string body, string component)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("service", out var name) && name.ValueKind == JsonValueKind.String && name.GetString() == component
                && document.RootElement.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.String && status.GetString() == "ok";
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
