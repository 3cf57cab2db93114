using System.Text.Json;
using System.Text.Json.Serialization;

namespace CloudMart.Benchmark;

/// <summary>One wrk run: what to request, how hard and for how long.</summary>
public sealed record WrkLoad(Uri Url, int Connections, TimeSpan Duration, string Method = "GET", string? Body = null, bool CountStatuses = true)
{
    /// <summary>wrk needs at least one connection per thread, so one connection runs on one thread.</summary>
    public int ThreadsFor(int maxThreads) => Math.Max(1, Math.Min(maxThreads, Connections));
}

/// <summary>What bench/wrk/report.lua writes when wrk is done (times in microseconds).</summary>
public sealed record WrkResult
{
    public long DurationUs { get; init; }

    public long Requests { get; init; }

    public long Bytes { get; init; }

    public required WrkErrors Errors { get; init; }

    public required WrkLatency LatencyUs { get; init; }

    /// <summary>Responses by HTTP status, or null when the script was told not to count them.</summary>
    public Dictionary<string, long>? Statuses { get; init; }

    public double Seconds => DurationUs / 1e6;

    /// <summary>Responses with a 2xx status; without status counts, every response wrk did not count as an error (status &lt; 400).</summary>
    public long Successful => Statuses is { } statuses
        ? statuses.Where(s => s.Key.StartsWith('2')).Sum(s => s.Value)
        : Requests - Errors.Status;

    /// <summary>Responses that came back with a status other than 2xx.</summary>
    public long NonSuccess => Requests - Successful;

    /// <summary>Requests that got no response at all (connect, read, write errors and timeouts).</summary>
    public long SocketErrors => Errors.Connect + Errors.Read + Errors.Write + Errors.Timeout;

    public double SuccessfulPerSecond => DurationUs > 0 ? Successful / Seconds : 0;

    public double RequestsPerSecond => DurationUs > 0 ? Requests / Seconds : 0;
}

public sealed record WrkErrors(long Connect, long Read, long Write, long Status, long Timeout);

public sealed record WrkLatency(long Min, long Mean, long Stdev, long Max, long P50, long P90, long P99, long P999);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(WrkResult))]
internal sealed partial class WrkJson : JsonSerializerContext;

/// <summary>Reads the result line of bench/wrk/report.lua out of wrk's output.</summary>
public static class WrkOutput
{
    public const string Marker = "BENCH_RESULT ";

    public static WrkResult Parse(string stdout)
    {
        var line = stdout.Split('\n').Select(l => l.TrimEnd('\r')).LastOrDefault(l => l.StartsWith(Marker, StringComparison.Ordinal))
            ?? throw new FormatException($"wrk's output has no line starting with '{Marker.Trim()}': was it run with bench/wrk/report.lua?");
        try
        {
            return JsonSerializer.Deserialize(line[Marker.Length..], WrkJson.Default.WrkResult)
                ?? throw new FormatException("wrk's result line is the JSON null");
        }
        catch (JsonException ex)
        {
            throw new FormatException($"wrk's result line is not the JSON expected: {ex.Message}", ex);
        }
    }
}

/// <summary>Runs wrk with bench/wrk/report.lua, bounded in time, killed on cancellation.</summary>
public sealed class WrkRunner(string wrkPath, string script, int maxThreads)
{
    /// <summary>A request without an answer within this time counts as a wrk timeout.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    public string WrkPath { get; } = wrkPath;

    public int MaxThreads { get; } = maxThreads;

    /// <summary>The CPU time wrk itself used in its last run (read from this process's reaped children).</summary>
    public TimeSpan LastCpu { get; private set; }

    public static string? Find()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Append("/usr/bin").Append("/usr/local/bin"))
        {
            var candidate = Path.Combine(dir, "wrk");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    public async Task<WrkResult> RunAsync(WrkLoad load, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(WrkPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var seconds = Math.Max(1, (int)Math.Round(load.Duration.TotalSeconds));
        foreach (var argument in new[]
        {
            "-t", load.ThreadsFor(MaxThreads).ToString(CultureInfo.InvariantCulture),
            "-c", load.Connections.ToString(CultureInfo.InvariantCulture),
            "-d", $"{seconds}s",
            "--timeout", $"{(int)RequestTimeout.TotalSeconds}s",
            "-s", script,
            load.Url.ToString(),
        })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["BENCH_METHOD"] = load.Method;
        start.Environment["BENCH_BODY"] = load.Body ?? "";
        start.Environment["BENCH_STATUSES"] = load.CountStatuses ? "1" : "0";

        var childrenBefore = ProcStat.ReapedChildrenTicks();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {WrkPath}");
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // wrk stops by itself after the duration; the margin covers its start and the last answers.
        deadline.CancelAfter(TimeSpan.FromSeconds(seconds) + RequestTimeout + TimeSpan.FromSeconds(20));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"wrk did not finish a {seconds} s run against {load.Url} in time; it was killed");
        }
        LastCpu = ProcStat.TicksToTime(ProcStat.ReapedChildrenTicks() - childrenBefore);
        var output = await stdout;
        var errors = await stderr;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"wrk exited with code {process.ExitCode} against {load.Url}: {errors.Trim()} {output.Trim()}");
        }
        try
        {
            return WrkOutput.Parse(output);
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException($"{ex.Message}\nwrk wrote: {output.Trim()} {errors.Trim()}", ex);
        }
    }
}
