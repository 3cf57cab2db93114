using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using CloudMart.Diagnosis.Live;
using CloudMart.Catalog;

namespace CloudMart.Diagnosis.Tests.Live;

/// <summary>
/// The log lines the live diagnosis reads, written by the real services (their builds, run as
/// processes on 127.0.0.1) rather than by the fake cluster: a change to a service's messages that
/// the diagnosis no longer recognises fails here.
/// </summary>
public sealed class RealServiceLogTests : IDisposable
{
    readonly string _dataDir = Directory.CreateTempSubdirectory("cloudmart-real-logs-").FullName;
    readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };

    public void Dispose()
    {
        _http.Dispose();
        Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task DatabaseServiceWithoutDbName_WritesTheFatalLineTheDiagnosisMatchesToFault1()
    {
        using var database = Service.Start("database-service", new() { ["PORT"] = FreePort(), ["DATA_DIR"] = _dataDir });

        Assert.True(await database.WaitForExitAsync(TimeSpan.FromSeconds(20)), "database-service should refuse to start without DB_NAME");

        var fatal = database.Lines.Select(LogLine.Parse).Single(l => l.IsFatal);
        Assert.Equal("DB_NAME", fatal.FatalVariable);
        Assert.StartsWith("FATAL: DB_NAME is not set", fatal.Message, StringComparison.Ordinal);
        Assert.Equal(1, LabFaults.Match(CheckNames.Variables, ServiceCatalog.Database.Name, fatal.FatalVariable)?.Number);
    }

    [Fact]
    public async Task OrderServiceAsShipped_LogsItsImmediateRetriesAndTheUnresolvableDatabaseHost()
    {
        var port = FreePort();
        using var order = Service.Start("order-service", new()
        {
            ["PORT"] = port,
            ["DATABASE_URL"] = "http://database:8080",
            ["NOTIFICATION_URL"] = $"http://127.0.0.1:{FreePort()}",
        });
        await order.WaitHealthyAsync(port, TimeSpan.FromSeconds(20));

        var response = await _http.PostAsJsonAsync($"http://127.0.0.1:{port}/orders", new { item = "laptop", quantity = 1 });
        Assert.True((int)response.StatusCode >= 500, $"got {(int)response.StatusCode}");
        var lines = await order.WaitForLinesAsync(l => LogLine.Parse(l).DependencyFailure is not null, TimeSpan.FromSeconds(10));

        var parsed = lines.Select(LogLine.Parse).ToList();
        Assert.Contains(parsed, l => l.RetriesImmediately == true && l.Event == "RetryPolicyImmediate");
        var failure = parsed.Select(l => l.DependencyFailure).First(f => f is not null)!;
        Assert.Equal(("database-service", "POST", "http://database:8080/store", "database"), (failure.Dependency, failure.Method, failure.Url, failure.Host));
    }

    [Fact]
    public async Task DatabaseServiceWithChaos_LogsInjectedFailuresTheDiagnosisRecognises()
    {
        var port = FreePort();
        using var database = Service.Start("database-service", new()
        {
            ["PORT"] = port, ["DB_NAME"] = "cloudmart-db", ["DATA_DIR"] = _dataDir, ["CHAOS_FAILURE_RATE"] = "1",
        });
        await database.WaitHealthyAsync(port, TimeSpan.FromSeconds(20));

        var response = await _http.PostAsJsonAsync($"http://127.0.0.1:{port}/store", new { id = "ord-1", item = "laptop", quantity = 1, timestamp = DateTimeOffset.UtcNow });
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var lines = await database.WaitForLinesAsync(l => LogLine.Parse(l).IsInjectedFailure, TimeSpan.FromSeconds(10));

        Assert.Contains(lines.Select(LogLine.Parse), l => l.IsInjectedFailure && l.Event == "ChaosInjectedFailure");
    }

    static string FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>A service's framework-dependent build run with <c>dotnet</c>, its output kept line by line; killed on dispose.</summary>
    sealed class Service : IDisposable
    {
        readonly Process _process;
        readonly ConcurrentQueue<string> _lines = new();

        Service(Process process)
        {
            _process = process;
            _process.OutputDataReceived += (_, e) => { if (e.Data is not null) { _lines.Enqueue(e.Data); } };
            _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { _lines.Enqueue(e.Data); } };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public IReadOnlyCollection<string> Lines => _lines;

#if DEBUG
        const string Configuration = "Debug";
#else
        const string Configuration = "Release";
#endif

        public static Service Start(string name, Dictionary<string, string> variables)
        {
            var dll = Path.Combine(LabCopy.Repository.ServiceDir(name), "bin", Configuration, "net10.0", name + ".dll");
            Assert.True(File.Exists(dll), $"{dll} is missing: the test project builds the services with the tool it references");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetTempPath() };
            start.ArgumentList.Add(dll);
            foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("OTEL_", StringComparison.Ordinal) || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal)).ToList())
            {
                start.Environment.Remove(key);
            }
            foreach (var (key, value) in variables)
            {
                start.Environment[key] = value;
            }
            return new Service(Process.Start(start) ?? throw new InvalidOperationException($"could not start {name}"));
        }

        public async Task<bool> WaitForExitAsync(TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await _process.WaitForExitAsync(cts.Token);
                _process.WaitForExit();
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        public async Task WaitHealthyAsync(string port, TimeSpan timeout)
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < timeout)
            {
                Assert.False(_process.HasExited, "the service exited:\n" + string.Join('\n', _lines));
                try
                {
                    if ((await http.GetAsync($"http://127.0.0.1:{port}/health")).IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                }
                await Task.Delay(50);
            }
            Assert.Fail($"no healthy answer on port {port} within {timeout}:\n" + string.Join('\n', _lines));
        }

        /// <summary>Waits until a line matches, and returns every line so far.</summary>
        public async Task<IReadOnlyList<string>> WaitForLinesAsync(Func<string, bool> match, TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < timeout && !_lines.Any(match))
            {
                await Task.Delay(50);
            }
            return [.. _lines];
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
            _process.Dispose();
        }
    }
}
