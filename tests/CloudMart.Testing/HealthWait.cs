using System.Diagnostics;

namespace CloudMart.Testing;

/// <summary>The one loop that waits for a component's health endpoint, bounded in time.</summary>
public static class HealthWait
{
    /// <summary>
    /// Polls <paramref name="url"/> every 50 ms until it answers 2xx. Throws as soon as
    /// <paramref name="stopped"/> says why it never will (a process that exited), and after
    /// <paramref name="timeout"/> with what <paramref name="context"/> tells about the component.
    /// </summary>
    public static async Task UntilHealthyAsync(Uri url, TimeSpan timeout, Func<string?>? stopped = null, Func<string>? context = null)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (stopped?.Invoke() is { } reason)
            {
                throw new InvalidOperationException(reason);
            }
            try
            {
                using var response = await http.GetAsync(url);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"no healthy answer from {url} within {timeout}:\n{context?.Invoke()}");
    }
}
