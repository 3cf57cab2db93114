using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

using CloudMart.Lab;

namespace CloudMart.Verification.Load;

/// <summary>What happened to one order.</summary>
/// <param name="Number">1 for the first order sent; the order's item is <c>item-{Number}</c>.</param>
/// <param name="StartedAfter">When it was sent, from the start of the run.</param>
/// <param name="Latency">From sending the request to the end of the response body (or the failure).</param>
/// <param name="Status">The HTTP status, or null when no response came.</param>
/// <param name="Error">Why no response came (connection refused, timed out...), or null.</param>
/// <param name="TraceId">The trace id from the response's <c>traceparent</c> header, when there was one.</param>
/// <param name="Detail">For a failed order, what the response body said went wrong (shortened).</param>
public sealed record OrderOutcome(int Number, TimeSpan StartedAfter, TimeSpan Latency, int? Status, string? Error, string? TraceId, string? Detail)
{
    public bool Succeeded => Status == 200;

    public bool Slow => Latency >= LoadPlan.LatencyLimit;

    /// <summary>The status code as text, or the error: what the results table groups by.</summary>
    public string Result => Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Error ?? "no response";
}

/// <summary>
/// Sends the orders of a <see cref="LoadPlan"/> to a gateway, as the guide's curl loop does:
/// <c>POST /api/orders</c> with <c>{"item": "item-N", "quantity": 1}</c> as JSON, and records each
/// answer's status, latency and trace id.
/// </summary>
public static class OrderLoad
{
    public static async Task<LoadReport> RunAsync(LoadPlan plan, Action<OrderOutcome>? onOrder = null, CancellationToken cancellationToken = default)
    {
        if (plan.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(plan));
        }
        using var http = CreateClient(plan);
        await WarmUpAsync(http, plan, cancellationToken);
        var outcomes = new List<OrderOutcome>();
        var gate = new Lock();
        var next = 0;
        var clock = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(plan.TimeLimit);

        async Task SendAsync()
        {
            while (!deadline.IsCancellationRequested)
            {
                var number = Interlocked.Increment(ref next);
                if (number > plan.OrderLimit)
                {
                    return;
                }
                if (plan.Rate is { } rate)
                {
                    var due = TimeSpan.FromSeconds((number - 1) / rate) - clock.Elapsed;
                    if (due > TimeSpan.Zero && !await DelayAsync(due, deadline.Token))
                    {
                        return;
                    }
                }
                var outcome = await SendOrderAsync(http, plan, number, clock, deadline.Token);
                if (outcome is null)
                {
                    return; // stopped while in flight: neither a success nor the server's failure
                }
                lock (gate)
                {
                    outcomes.Add(outcome);
                    onOrder?.Invoke(outcome);
                }
                if (plan.Interval > TimeSpan.Zero && number < plan.OrderLimit && !await DelayAsync(plan.Interval, deadline.Token))
                {
                    return;
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, plan.Concurrency).Select(_ => Task.Run(SendAsync, CancellationToken.None)));
        clock.Stop();
        outcomes.Sort((a, b) => a.Number.CompareTo(b.Number));
        return new LoadReport(plan, outcomes, clock.Elapsed, Interrupted: cancellationToken.IsCancellationRequested);
    }

    /// <summary>
    /// One <c>GET /health</c> before the clock starts, answered by the gateway itself: it opens the
    /// connection and compiles this tool's own HTTP path, which would otherwise land on the first
    /// order's latency and be blamed on the system. Its answer does not matter.
    /// </summary>
    static async Task WarmUpAsync(HttpClient http, LoadPlan plan, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            using var response = await http.GetAsync(HealthProbe.UrlOf(plan.BaseUrl), timeout.Token);
            await response.Content.ReadAsByteArrayAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
        }
    }

    /// <summary>Waits; false when the run was told to stop (or ran out of time) meanwhile.</summary>
    static async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    // A proxy from the environment must not stand between the tool and a gateway on this machine.
    static HttpClient CreateClient(LoadPlan plan) => ToolHttp.Create(Timeout.InfiniteTimeSpan, connectTimeout: plan.RequestTimeout,
        pooledConnectionLifetime: TimeSpan.FromMinutes(1), useProxy: ToolHttp.ProxyFor(plan.BaseUrl));

    /// <summary>One order; null when the run was stopped before it finished.</summary>
    static async Task<OrderOutcome?> SendOrderAsync(HttpClient http, LoadPlan plan, int number, Stopwatch clock, CancellationToken stop)
    {
        var body = $$"""{"item": "item-{{number}}", "quantity": 1}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, plan.OrdersUrl)
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(plan.RequestTimeout);
        var started = clock.Elapsed;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            var latency = clock.Elapsed - started;
            var status = (int)response.StatusCode;
            return new OrderOutcome(number, started, latency, status, null, TraceIdOf(response),
                status == 200 ? null : DetailOf(text));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return null;
        }
        catch (OperationCanceledException)
        {
            return new OrderOutcome(number, started, clock.Elapsed - started, null,
                $"timed out after {LoadPlan.Describe(plan.RequestTimeout)}", null, null);
        }
        catch (HttpRequestException ex)
        {
            return new OrderOutcome(number, started, clock.Elapsed - started, null, ErrorOf(ex), null, Shorten(ex.Message));
        }
    }

    /// <summary>The trace id of a W3C <c>traceparent</c> header (<c>00-TRACEID-SPANID-FLAGS</c>).</summary>
    public static string? TraceIdOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues("traceparent", out var values) ? TraceIdOf(values.FirstOrDefault()) : null;

    public static string? TraceIdOf(string? traceparent)
    {
        var parts = traceparent?.Trim().Split('-');
        return parts is { Length: >= 4 } && parts[1].Length == 32 && parts[1].All(Uri.IsHexDigit) && parts[1] != new string('0', 32)
            ? parts[1].ToLowerInvariant() : null;
    }

    static string ErrorOf(HttpRequestException ex)
    {
        for (Exception? inner = ex; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => "connection refused",
                    SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData => "host not found",
                    SocketError.ConnectionReset => "connection reset",
                    SocketError.TimedOut => "connect timed out",
                    SocketError.NetworkUnreachable or SocketError.HostUnreachable => "unreachable",
                    _ => "socket error " + socket.SocketErrorCode,
                };
            }
        }
        return ex.HttpRequestError switch
        {
            HttpRequestError.ResponseEnded => "connection closed",
            HttpRequestError.SecureConnectionError => "TLS error",
            HttpRequestError.InvalidResponse => "invalid response",
            HttpRequestError.NameResolutionError => "host not found",
            HttpRequestError.ConnectionError => "connection error",
            _ => "request failed",
        };
    }

    /// <summary>What a failed response says went wrong: a problem's detail or title, an error field, or the start of the body.</summary>
    static string? DetailOf(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in new[] { "detail", "error", "message", "title" })
                {
                    if (document.RootElement.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String
                        && value.GetString() is { Length: > 0 } text)
                    {
                        return Shorten(text);
                    }
                }
            }
        }
        catch (JsonException)
        {
        }
        return Shorten(body);
    }

    static string Shorten(string text)
    {
        var line = string.Join(' ', text.Split((char[])['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        return line.Length <= 200 ? line : line[..199] + "…";
    }
}
