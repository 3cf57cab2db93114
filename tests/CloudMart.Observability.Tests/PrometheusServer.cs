using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CloudMart.Observability.Tests;

/// <summary>
/// Debian's real Prometheus, started on a free loopback port with a scratch config and storage
/// folder, exemplar storage on, scraping the given targets every second. Killed on dispose.
/// Or one that <c>up --observe</c> started (<see cref="Attach"/>), only queried here.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus";

    readonly Process? _process;
    readonly string? _folder;
    readonly StringBuilder _output = new();

    public Uri Url { get; }

    public HttpClient Http { get; } = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };

    PrometheusServer(Process? process, string? folder, Uri url)
    {
        _process = process;
        _folder = folder;
        Url = url;
    }

    /// <summary>Starts Prometheus scraping <c>/metrics</c> of each target (service name → base URL), with the rule files given.</summary>
    public static async Task<PrometheusServer> StartAsync(IReadOnlyDictionary<string, Uri> targets, IEnumerable<string> ruleFiles)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing; apt-get install prometheus");
        }
        var folder = Directory.CreateTempSubdirectory("cloudmart-prometheus-").FullName;
        var configFile = Path.Combine(folder, "prometheus.yml");
        await File.WriteAllTextAsync(configFile, PrometheusConfig.Render(targets, ruleFiles, TimeSpan.FromSeconds(1)));

        var port = FreePort();
        var start = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in PrometheusConfig.Arguments(configFile, Path.Combine(folder, "data"), port))
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("prometheus did not start");
        var server = new PrometheusServer(process, folder, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => server.Collect(e.Data);
        process.ErrorDataReceived += (_, e) => server.Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await server.WaitReadyAsync(TimeSpan.FromSeconds(30));
        return server;
    }

    /// <summary>A Prometheus already running at <paramref name="url"/> (the one <c>up --observe</c> started); disposing it stops nothing.</summary>
    public static PrometheusServer Attach(Uri url) => new(null, null, url);

    void Collect(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    async Task WaitReadyAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"prometheus exited with {_process.ExitCode}:\n{Output}");
            }
            try
            {
                using var ready = await Http.GetAsync(new Uri(Url, "-/ready"));
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"prometheus was not ready within {timeout}:\n{Output}");
    }

    /// <summary>An instant query; returns the <c>data.result</c> array. Throws with Prometheus's own message when the expression does not parse.</summary>
    public async Task<JsonElement> QueryAsync(string expression)
    {
        using var response = await Http.GetAsync(new Uri(Url, "api/v1/query?query=" + Uri.EscapeDataString(expression)));
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new PromQlException(expression, body);
        }
        return JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("result").Clone();
    }

    /// <summary>The single value of each series an instant query returns, by the value of <paramref name="label"/>.</summary>
    public async Task<Dictionary<string, double>> ValuesByAsync(string expression, string label)
    {
        var values = new Dictionary<string, double>();
        foreach (var series in (await QueryAsync(expression)).EnumerateArray())
        {
            var key = series.GetProperty("metric").TryGetProperty(label, out var l) ? l.GetString()! : "";
            values[key] = double.Parse(series.GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        }
        return values;
    }

    /// <summary>The exemplars stored for the last <paramref name="window"/>: <c>data</c> of /api/v1/query_exemplars.</summary>
    public async Task<JsonElement> ExemplarsAsync(string selector, TimeSpan window)
    {
        var end = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var start = end - (long)window.TotalSeconds;
        using var response = await Http.GetAsync(new Uri(Url,
            $"api/v1/query_exemplars?query={Uri.EscapeDataString(selector)}&start={start}&end={end}"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("data").Clone();
    }

    /// <summary>Polls <paramref name="expression"/> until it returns at least one series, at most <paramref name="timeout"/>.</summary>
    public async Task<JsonElement> WaitForSeriesAsync(string expression, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var result = await QueryAsync(expression);
            if (result.GetArrayLength() > 0 || clock.Elapsed > timeout)
            {
                return result;
            }
            await Task.Delay(500);
        }
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_process is null || _folder is null)
        {
            return;
        }
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

public sealed class PromQlException(string expression, string body) : Exception($"Prometheus refused {expression}: {body}");
