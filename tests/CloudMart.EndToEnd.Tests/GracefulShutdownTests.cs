using System.Collections.Concurrent;

namespace CloudMart.EndToEnd.Tests;

/// <summary>
/// A rolling update in miniature: two order-service processes behind an nginx upstream (the
/// gateway's proxy settings: HTTP/1.1 keep-alive, the default retry of a connection error on the
/// other server), orders flowing through it, then SIGTERM to one of them. As Kubernetes does with
/// a Service's endpoints, the test takes the instance out of the upstream (an nginx reload) once
/// its readiness fails, while it is still serving. Not one client request may fail, and the
/// stopped instance must show the drain: unready but alive and still serving, then a clean exit.
/// Without that removal a proxy keeps choosing the instance until its listener closes, and a
/// request sent at that very moment can be cut (about one run in eight here): the drain exists to
/// cover the time the load balancer needs to notice, not to replace it.
/// </summary>
public sealed class GracefulShutdownTests(ITestOutputHelper output) : IDisposable
{
    const int DrainSeconds = 3;
    const int Clients = 4;
    const int MaxRequests = 4000;
    const string Order = """{"item": "laptop", "quantity": 1}""";

    readonly string _state = Directory.CreateTempSubdirectory("cloudmart-drain-").FullName;
    readonly List<ChildProcess> _processes = [];
    readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
    int _listen;

    sealed record Outcome(TimeSpan At, HttpStatusCode? Status, string? Upstream, string? Error);

    [Fact]
    public async Task Sigterm_to_one_of_two_instances_under_load_fails_no_request()
    {
        var layout = new LabLayout(LabRepository.Find(AppContext.BaseDirectory).Root, _state);
        var ports = LabPorts.FirstFree(Enumerable.Range(0, 20).Select(i => 20_250 + 500 * i + Random.Shared.Next(0, 200)));
        // This test starts no api-service, so its port in the free range serves the second order-service.
        var (portA, portB) = (ports.For(ServiceCatalog.Order), ports.For(ServiceCatalog.Api));
        await StartAsync(ServiceCatalog.Database, layout, ports);
        await StartAsync(ServiceCatalog.Notification, layout, ports);
        var a = await StartAsync(ServiceCatalog.Order, layout, ports, portA, "order-a");
        await StartAsync(ServiceCatalog.Order, layout, ports, portB, "order-b");
        var gateway = await StartNginxAsync(ports.For(ServiceCatalog.Gateway), portA, portB);
        // The first order of each process pays for compiling its code; that is not what this test times.
        foreach (var port in new[] { portA, portB })
        {
            using var warm = new StringContent(Order, Encoding.UTF8, "application/json");
            (await _http.PostAsync($"http://127.0.0.1:{port}/orders", warm)).EnsureSuccessStatusCode().Dispose();
        }

        var outcomes = new ConcurrentBag<Outcome>();
        var clock = Stopwatch.StartNew();
        using var stopLoad = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var load = Enumerable.Range(0, Clients).Select(_ => ClientAsync(gateway, clock, outcomes, stopLoad.Token)).ToArray();

        // Signal once both instances are warm and answering through nginx.
        while (outcomes.Count < 50 && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100);
        }
        var signalled = clock.Elapsed;
        Assert.True(ProcessInfo.Signal(a.Pid, ProcessInfo.SIGTERM));
        await Task.Delay(TimeSpan.FromMilliseconds(800));
        var readyWhileDraining = await StatusAsync(portA, "/health");
        var aliveWhileDraining = await StatusAsync(portA, "/alive");
        if (readyWhileDraining != HttpStatusCode.OK)
        {
            await ReloadNginxAsync(portB);
        }
        var removedAt = clock.Elapsed;

        var exitLimit = TimeSpan.FromSeconds(DrainSeconds + 5 + 10);
        var exited = await Task.WhenAny(a.Exited, Task.Delay(exitLimit)) == a.Exited;
        var stoppedAt = clock.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(2));
        await stopLoad.CancelAsync();
        await Task.WhenAll(load);

        var all = outcomes.OrderBy(o => o.At).ToList();
        var failed = all.Where(o => o.Status is not { } status || (int)status is < 200 or > 299).ToList();
        var upstreamA = "127.0.0.1:" + portA;
        int Served(string upstream, TimeSpan from, TimeSpan to) =>
            all.Count(o => o.Upstream == upstream && o.At >= from && o.At < to);
        var drainEnd = signalled + TimeSpan.FromSeconds(DrainSeconds);
        output.WriteLine($"requests {all.Count}, failed {failed.Count}; SIGTERM at {signalled.TotalSeconds:F1} s, " +
            $"order-a exited {(exited ? $"at {stoppedAt.TotalSeconds:F1} s with code {a.ExitCode}" : "not at all")}");
        output.WriteLine($"order-a served {Served(upstreamA, TimeSpan.Zero, signalled)} before the signal, " +
            $"{Served(upstreamA, signalled, drainEnd)} while draining, {Served(upstreamA, stoppedAt, TimeSpan.MaxValue)} after its exit; " +
            $"order-b served {all.Count(o => o.Upstream == "127.0.0.1:" + portB)}");
        output.WriteLine($"order-a while draining: /health {(int)readyWhileDraining}, /alive {(int)aliveWhileDraining}; " +
            $"out of the upstream at {removedAt.TotalSeconds:F1} s");
        foreach (var f in failed.Take(5))
        {
            output.WriteLine($"  failed at {f.At.TotalSeconds:F2} s: {(f.Status is { } s ? (int)s : "no answer")} {f.Error}");
        }

        Assert.Empty(failed);
        Assert.True(all.Count < MaxRequests, "the load stopped at its request bound, before the stop was over");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, readyWhileDraining);
        Assert.Equal(HttpStatusCode.OK, aliveWhileDraining);
        Assert.True(exited, $"order-a still ran {exitLimit.TotalSeconds} s after SIGTERM\n{a.LogTail()}");
        Assert.Equal(0, a.ExitCode);
        Assert.True(stoppedAt - signalled >= TimeSpan.FromSeconds(DrainSeconds), $"order-a stopped {(stoppedAt - signalled).TotalSeconds:F1} s after SIGTERM, before its drain was over");
        Assert.True(Served(upstreamA, TimeSpan.Zero, signalled) > 0, "order-a served nothing before the signal");
        Assert.True(Served(upstreamA, signalled, drainEnd) > 0, "order-a stopped serving as soon as it was signalled");
        Assert.True(all.Count(o => o.At > stoppedAt) > 0, "no request was made after order-a stopped");
        Assert.Contains("SIGTERM received", File.ReadAllText(a.LogFile));
    }

    async Task ClientAsync(Uri gateway, Stopwatch clock, ConcurrentBag<Outcome> outcomes, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && outcomes.Count < MaxRequests)
        {
            using var body = new StringContent(Order, Encoding.UTF8, "application/json");
            try
            {
                using var response = await _http.PostAsync(new Uri(gateway, "/orders"), body, CancellationToken.None);
                // After a retry nginx lists every server it tried; the last one answered.
                var upstream = response.Headers.TryGetValues("X-Upstream", out var values) ? values.Last().Split(", ").Last() : null;
                var error = response.IsSuccessStatusCode ? null : await response.Content.ReadAsStringAsync(CancellationToken.None);
                outcomes.Add(new(clock.Elapsed, response.StatusCode, upstream, error));
            }
            catch (HttpRequestException ex)
            {
                outcomes.Add(new(clock.Elapsed, null, null, ex.Message));
            }
            catch (TaskCanceledException ex)
            {
                outcomes.Add(new(clock.Elapsed, null, null, "timed out: " + ex.Message));
            }
        }
    }

    async Task<HttpStatusCode> StatusAsync(int port, string path)
    {
        using var response = await _http.GetAsync($"http://127.0.0.1:{port}{path}");
        return response.StatusCode;
    }

    async Task<ChildProcess> StartAsync(ServiceSpec service, LabLayout layout, LabPorts ports, int? port = null, string? name = null)
    {
        var environment = LocalEnvironment.For(service, ports, layout, signingKey: "unused-by-these-services");
        environment["SHUTDOWN_DRAIN_SECONDS"] = DrainSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        environment["OTEL_SDK_DISABLED"] = "true";
        var listen = port ?? ports.For(service);
        environment["PORT"] = listen.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var removed = LocalEnvironment.RemovedVariables().Where(v => !environment.ContainsKey(v));
        var process = ChildProcess.Start(name ?? service.Name, ServiceBinaries.Build(TestMachine.Configuration).For(service, layout),
            environment, removed, layout.LogFile(name ?? service.Name), _state);
        _processes.Add(process);
        var clock = Stopwatch.StartNew();
        while (!await HealthProbe.IsHealthyAsync(new Uri($"http://127.0.0.1:{listen}/health"), service.Name, CancellationToken.None))
        {
            Assert.False(process.HasExited, $"{process.Name} exited\n{process.LogTail()}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), $"{process.Name} did not become ready\n{process.LogTail()}");
            await Task.Delay(200);
        }
        return process;
    }

    string NginxFolder => Path.Combine(_state, "nginx");

    /// <summary>The test's nginx configuration, with the order-service ports it balances over.</summary>
    void WriteNginxConfig(params int[] ports)
    {
        var servers = string.Join(" ", ports.Select(p => $"server 127.0.0.1:{p};"));
        File.WriteAllText(Path.Combine(NginxFolder, GatewayConfig.RenderedFileName), $$"""
            worker_processes 1;
            pid "{{NginxFolder}}/nginx.pid";
            error_log "{{NginxFolder}}/error.log" warn;
            events { worker_connections 256; }
            http {
                access_log off;
                client_body_temp_path "{{NginxFolder}}/body";
                proxy_temp_path "{{NginxFolder}}/proxy";
                fastcgi_temp_path "{{NginxFolder}}/fastcgi";
                uwsgi_temp_path "{{NginxFolder}}/uwsgi";
                scgi_temp_path "{{NginxFolder}}/scgi";
                upstream orders {
                    {{servers}}
                    keepalive 32;
                    keepalive_timeout 2s;
                }
                server {
                    listen 127.0.0.1:{{_listen}};
                    # A new connection per client request: the reload that stands in for an endpoints
                    # update must not also cut the clients' idle connections to the old workers,
                    # which Kubernetes' endpoint change never does.
                    keepalive_timeout 0;
                    location / {
                        proxy_pass http://orders;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        add_header X-Upstream $upstream_addr always;
                    }
                }
            }
            """);
    }

    /// <summary>What a Service's endpoints update does for the gateway: the upstream changes, the requests on their way finish.</summary>
    async Task ReloadNginxAsync(params int[] ports)
    {
        WriteNginxConfig(ports);
        var master = int.Parse(File.ReadAllText(Path.Combine(NginxFolder, "nginx.pid")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(ProcessInfo.Signal(master, ProcessInfo.SIGHUP), "nginx could not be told to reload");
        // The new workers take over within a moment; the old ones finish what they hold and exit.
        await Task.Delay(TimeSpan.FromMilliseconds(300));
    }

    /// <summary>nginx with the gateway's upstream settings, two order-service servers, and the answering server named in a header.</summary>
    async Task<Uri> StartNginxAsync(int listen, int portA, int portB)
    {
        var nginx = new NginxSetup().Find() ?? throw new InvalidOperationException("nginx is not installed; " + NginxSetup.InstallHint);
        var folder = NginxFolder;
        Directory.CreateDirectory(folder);
        _listen = listen;
        WriteNginxConfig(portA, portB);
        var process = ChildProcess.Start("nginx", new LaunchCommand(nginx, NginxSetup.RunArguments(folder, NginxSetup.VersionOf(nginx))),
            new Dictionary<string, string>(), [], Path.Combine(folder, "nginx.log"), _state);
        _processes.Add(process);
        var url = new Uri($"http://127.0.0.1:{listen}");
        var clock = Stopwatch.StartNew();
        while (PortCheck.IsFree(listen))
        {
            Assert.False(process.HasExited, "nginx exited\n" + process.LogTail());
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "nginx did not listen\n" + process.LogTail());
            await Task.Delay(100);
        }
        return url;
    }

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            process.StopAsync(TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
            process.Dispose();
        }
        _http.Dispose();
        try
        {
            Directory.Delete(_state, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
