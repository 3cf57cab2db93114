using System.Net;
using System.Text.Json;

using CloudMart.Lab;

namespace CloudMart.Verification.Checks;

/// <summary>
/// Looks one order's trace up in Tempo (<c>GET {tempo}/api/traces/{traceId}</c>) and checks that
/// it holds spans from each of the five services, named by their resource attribute
/// <c>service.name</c>. Tempo answers 404 until the services have exported the spans, so the
/// lookup is repeated for a while.
/// </summary>
public static class TempoTraceCheck
{
    public const string Name = "traces";

    public const string Title = "One order's trace spans all five services";

    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(30);

    public static async Task<CheckResult> RunAsync(Uri tempo, string? traceId, TimeSpan wait, Action<string> progress, CancellationToken cancellationToken)
    {
        if (traceId is null)
        {
            return CheckResult.Fail(Name, Title, "no order came back with a traceparent header, so there is no trace to look up");
        }
        var url = new Uri(tempo.ToString().TrimEnd('/') + "/api/traces/" + traceId);
        using var http = ToolHttp.Create(TimeSpan.FromSeconds(10), useProxy: ToolHttp.ProxyFor(tempo));
        var until = DateTimeOffset.UtcNow + wait;
        var attempts = 0;
        string? last = null;
        while (true)
        {
            attempts++;
            progress($"asking Tempo for trace {traceId} (attempt {attempts})");
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Headers.Accept.ParseAdd("application/json");
                using var response = await http.SendAsync(request, cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return Judge(url, traceId, body);
                }
                last = $"{(int)response.StatusCode} {response.ReasonPhrase}";
                if (response.StatusCode != HttpStatusCode.NotFound)
                {
                    return CheckResult.Fail(Name, Title, $"Tempo answered GET {url} with {last}", [Shorten(body)]);
                }
            }
            catch (HttpRequestException ex)
            {
                return CheckResult.Fail(Name, Title, $"Tempo at {tempo} could not be reached: {ex.Message}");
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                last = "no answer within 10 s";
            }
            if (DateTimeOffset.UtcNow >= until)
            {
                return CheckResult.Fail(Name, Title, $"Tempo does not have trace {traceId} ({last} after {attempts} attempts in {wait.TotalSeconds:0} s)",
                    ["are the services' OTEL_EXPORTER_OTLP_ENDPOINT variables pointing at Tempo's OTLP port?"]);
            }
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(1, Math.Max(0.05, wait.TotalSeconds / 20))), cancellationToken);
        }
    }

    static CheckResult Judge(Uri url, string traceId, string body)
    {
        Dictionary<string, int> spans;
        try
        {
            spans = SpansByService(body);
        }
        catch (JsonException ex)
        {
            return CheckResult.Fail(Name, Title, $"Tempo's answer to GET {url} is not a trace: {ex.Message}", [Shorten(body)]);
        }
        var missing = ServiceCatalog.Services.Select(s => s.Name).Where(name => !spans.ContainsKey(name)).ToList();
        var evidence = new List<string> { $"GET {url}" };
        evidence.AddRange(spans.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}: {p.Value} span{(p.Value == 1 ? "" : "s")}"));
        evidence.AddRange(missing.Select(name => $"{name}: no span"));
        return CheckResult.From(missing.Count == 0, Name, Title,
            missing.Count == 0
                ? $"trace {traceId} has {spans.Values.Sum()} spans from all five services"
                : $"trace {traceId} has no span from {string.Join(", ", missing)}",
            evidence);
    }

    /// <summary>
    /// Span counts by service.name in Tempo's trace document: OTLP JSON with the resources under
    /// <c>batches</c> (Tempo's v1 API), <c>resourceSpans</c>, or <c>trace.resourceSpans</c> (v2),
    /// and the spans under <c>scopeSpans</c> (or the older <c>instrumentationLibrarySpans</c>).
    /// </summary>
    public static Dictionary<string, int> SpansByService(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.TryGetProperty("trace", out var trace) && trace.ValueKind == JsonValueKind.Object)
        {
            root = trace;
        }
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var resources in new[] { "batches", "resourceSpans" })
        {
            if (!root.TryGetProperty(resources, out var list) || list.ValueKind != JsonValueKind.Array)
            {
                continue;
            }
            foreach (var resourceSpans in list.EnumerateArray())
            {
                var service = ServiceName(resourceSpans) ?? "(no service.name)";
                var count = 0;
                foreach (var scopes in new[] { "scopeSpans", "instrumentationLibrarySpans" })
                {
                    if (resourceSpans.TryGetProperty(scopes, out var scopeList) && scopeList.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var scope in scopeList.EnumerateArray())
                        {
                            if (scope.TryGetProperty("spans", out var spanList) && spanList.ValueKind == JsonValueKind.Array)
                            {
                                count += spanList.GetArrayLength();
                            }
                        }
                    }
                }
                if (count > 0)
                {
                    counts[service] = counts.GetValueOrDefault(service) + count;
                }
            }
        }
        return counts;
    }

    static string? ServiceName(JsonElement resourceSpans)
    {
        if (!resourceSpans.TryGetProperty("resource", out var resource)
            || !resource.TryGetProperty("attributes", out var attributes) || attributes.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        foreach (var attribute in attributes.EnumerateArray())
        {
            if (attribute.TryGetProperty("key", out var key) && key.GetString() == "service.name"
                && attribute.TryGetProperty("value", out var value) && value.TryGetProperty("stringValue", out var name))
            {
                return name.GetString();
            }
        }
        return null;
    }

    static string Shorten(string text) => LogScan.Shorten(text.ReplaceLineEndings(" "), 300);
}
