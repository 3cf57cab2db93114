using System.Net;
using System.Text;

namespace CloudMart.Benchmark;

/// <summary>
/// One benchmark run: the services' start-up alone, then the system with telemetry on (warm-up,
/// the order levels, the references), then with telemetry off, then (if asked) the durability
/// check. Every system it starts is the local run of <see cref="LocalRun"/> with the published
/// Native AOT binaries, on ports of its own and with a fresh data folder; whatever happens,
/// nothing it started is left running.
/// </summary>
public sealed partial class BenchmarkRunner(BenchmarkSettings settings, IAnsiConsole console)
{
    /// <summary>The body of every order, as the lab's guide sends it.</summary>
    public const string OrderBody = """{"item": "laptop", "quantity": 1}""";

    const string OrdersPath = "/api/orders";

    static readonly int[] OffsetsTried = Enumerable.Range(0, 20).Select(i => 20000 + 100 * i).ToArray();

    static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(2), MaxConnectionsPerServer = 64 })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

    readonly ServiceBinaries _binaries = ServiceBinaries.Published();
    string _nginx = "";
    WrkRunner _wrk = null!;
    LabPorts _ports = LabPorts.Default;
    string _stateRoot = "";

    public async Task<int> RunAsync(CancellationToken stop)
    {
        var root = settings.RepositoryRoot;
        if ((FindTools(root) ?? PrepareRun()) is { } refused)
        {
            return refused;
        }

        var results = new BenchmarkResults
        {
            Started = DateTimeOffset.Now,
            Machine = Machine.Describe(root, _wrk.WrkPath, _nginx),
            Settings = new RunSettings(settings.Warmup.TotalSeconds, settings.Duration.TotalSeconds, [.. settings.Connections],
                settings.ReferenceConnections, settings.WrkThreads, _ports.Offset, "published Native AOT (" + ServiceBinaries.DefaultPublishFolder + ")",
                OrderBody, settings.TelemetryOffPass, settings.DurabilityCheck, new(settings.ExtraEnvironment)),
        };
        Report.Header(console, results, _ports);
        var exitCode = await RunPassesAsync(results, stop);

        results.Finished = DateTimeOffset.Now;
        results.LoadAverageAtEnd = ProcStat.LoadAverage();
        Summaries.Complete(results);
        Report.Results(console, results);
        var file = ResultsFile.Write(results, settings.Output, complete: exitCode == 0);
        var latest = exitCode == 0 ? $" (and {Path.GetRelativePath(root, Path.Combine(settings.Output, "latest.json"))})" : " (latest.json keeps the last complete run)";
        console.MarkupLineInterpolated($"Results: {Path.GetRelativePath(root, file)}{latest}; logs of the run under {Path.GetRelativePath(root, _stateRoot)}/.");
        return exitCode;
    }

    /// <summary>Finds wrk, nginx, the report script and the published services; the exit code when one is missing.</summary>
    int? FindTools(string root)
    {
        if (WrkRunner.Find() is not { } wrkPath)
        {
            console.MarkupLine("[red]wrk is not installed.[/] Install it with: sudo apt-get install wrk (Debian, Ubuntu), or build it from https://github.com/wg/wrk.");
            return 3;
        }
        if (new NginxSetup().Find() is not { } nginx)
        {
            console.MarkupLineInterpolated($"[red]nginx is not installed[/], and the gateway is nginx. To {NginxSetup.InstallHint}.");
            return 3;
        }
        _nginx = nginx;
        var script = Path.Combine(root, "bench", "wrk", "report.lua");
        if (!File.Exists(script))
        {
            console.MarkupLineInterpolated($"[red]{script} is missing[/]; run the benchmark from a CloudMart checkout.");
            return 3;
        }
        _wrk = new WrkRunner(wrkPath, script, settings.WrkThreads);
        var layoutForChecks = new LabLayout(root);
        var missing = ServiceCatalog.Services.Select(s => _binaries.Missing(s, layoutForChecks)).OfType<string>().ToList();
        if (missing.Count > 0)
        {
            console.MarkupLine("[red]The published services are missing[/] (./bench/run publishes them):");
            missing.ForEach(m => console.WriteLine("  " + m));
            return 3;
        }
        return null;
    }

    /// <summary>Claims the state folder and the ports; the exit code when another run or a port is in the way.</summary>
    int? PrepareRun()
    {
        _stateRoot = Path.Combine(settings.Output, "run");
        if (RunningElsewhere(_stateRoot) is { } other)
        {
            console.MarkupLineInterpolated($"[red]Another benchmark is running[/] from {_stateRoot} (pid {other}); wait for it to end.");
            return 4;
        }
        if (Directory.Exists(_stateRoot))
        {
            Directory.Delete(_stateRoot, recursive: true);
        }
        try
        {
            _ports = settings.PortOffset is { } offset ? new LabPorts(offset) : LabPorts.FirstFree(OffsetsTried);
        }
        catch (InvalidOperationException)
        {
            console.MarkupLine("[red]No free range of ports[/] among offsets 20000-21900; pass --port-offset.");
            return 4;
        }
        if (_ports.Problem() is { } portProblem)
        {
            console.MarkupLineInterpolated($"[red]--port-offset {_ports.Offset} does not fit:[/] {portProblem}.");
            return 2;
        }
        return null;
    }

    /// <summary>The passes the settings ask for; the exit code (0, or 130 when interrupted, 1 when one failed).</summary>
    async Task<int> RunPassesAsync(BenchmarkResults results, CancellationToken stop)
    {
        var exitCode = 0;
        try
        {
            if (settings.StartupRepeats > 0)
            {
                await MeasureStartupAloneAsync(results, stop);
            }
            results.TelemetryOn = await RunPassAsync("telemetry-on", [], full: true, stop);
            if (settings.TelemetryOffPass)
            {
                results.TelemetryOff = await RunPassAsync("telemetry-off", new() { ["OTEL_SDK_DISABLED"] = "true" }, full: false, stop);
            }
            if (settings.DurabilityCheck)
            {
                results.Durability = await CheckDurabilityAsync(stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            console.MarkupLine("[yellow]Interrupted[/]; everything started was stopped. Partial results follow.");
            results.Notes.Add("interrupted before the end: partial results");
            exitCode = 130;
        }
        catch (Exception ex) when (ex is LabStartException or InvalidOperationException or TimeoutException or HttpRequestException or IOException)
        {
            console.MarkupLineInterpolated($"[red]The benchmark failed:[/] {ex.Message}");
            if (ex is LabStartException { LogTail: { Length: > 0 } tail } start)
            {
                console.MarkupLineInterpolated($"[grey]Last lines of {start.Component}'s log:[/]");
                console.WriteLine(tail);
            }
            results.Notes.Add("failed: " + ex.Message);
            exitCode = 1;
        }
        return exitCode;
    }

    /// <summary>The pid of a live benchmark whose local run uses a folder under <paramref name="stateRoot"/>, or null.</summary>
    static int? RunningElsewhere(string stateRoot)
    {
        if (!Directory.Exists(stateRoot))
        {
            return null;
        }
        foreach (var runFile in Directory.EnumerateFiles(stateRoot, "run.json", SearchOption.AllDirectories))
        {
            if (RunRecord.Read(runFile) is { OwnerIsAlive: true } record && record.OwnerPid != Environment.ProcessId)
            {
                return record.OwnerPid;
            }
        }
        return null;
    }

    /// <summary>
    /// The variables every service gets on top of the local run's configuration. The local run
    /// passes the caller's telemetry switches on; the benchmark does not, so that a run measures
    /// the same thing in every shell: telemetry on and no OTLP export (no collector runs here),
    /// unless --env or the pass says otherwise.
    /// </summary>
    Dictionary<string, string?> Overrides(Dictionary<string, string?> pass)
    {
        var overrides = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["OTEL_SDK_DISABLED"] = "false",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = null,
        };
        foreach (var (name, value) in settings.ExtraEnvironment)
        {
            overrides[name] = value;
        }
        foreach (var (name, value) in pass)
        {
            overrides[name] = value;
        }
        return overrides;
    }

    /// <summary>The local run's options: its own ports, the published binaries, the pass's variables and those of --env.</summary>
    LocalRunOptions RunOptions(LabLayout layout, Dictionary<string, string?> variables)
    {
        var overrides = Overrides(variables);
        return new LocalRunOptions
        {
            Layout = layout,
            Ports = _ports,
            Binaries = _binaries,
            NginxPath = _nginx,
            VariableOverrides = ServiceCatalog.Services.ToDictionary(s => s.Name, s => (IReadOnlyDictionary<string, string?>)overrides),
        };
    }

    async Task<PassResult> RunPassAsync(string name, Dictionary<string, string?> variables, bool full, CancellationToken stop)
    {
        var layout = new LabLayout(settings.RepositoryRoot, Path.Combine(_stateRoot, name));
        var pass = new PassResult { Name = name, VariableOverrides = Overrides(variables) };
        var overrides = variables.Count == 0 ? "" : " with " + string.Join(' ', variables.Select(v => $"{v.Key}={v.Value}"));
        console.MarkupLineInterpolated($"[bold]{name}[/]: starting the gateway and the five services{overrides}, fresh data in {Path.GetRelativePath(settings.RepositoryRoot, layout.DataDirectory)}…");

        var lab = await LocalRun.StartAsync(RunOptions(layout, variables), e =>
        {
            if (e is ComponentHealthy healthy)
            {
                pass.StartupInRunMs[healthy.Component] = Round(healthy.AfterStart.TotalMilliseconds);
            }
        }, stop);
        await using (lab)
        {
            console.MarkupLineInterpolated($"  ready: {string.Join(", ", pass.StartupInRunMs.Select(s => $"{s.Key} {s.Value:0} ms"))}");
            // Memory "idle": after start-up work (JIT-free, but the first GCs and thread pools) has settled.
            await Task.Delay(TimeSpan.FromSeconds(2), stop);
            foreach (var component in lab.Components)
            {
                pass.MemoryIdle[component.Name] = MemoryOf(component);
            }

            await CheckOneOrderAsync(lab, stop);
            pass.MetricsEndpoint = await DescribeMetricsAsync(lab, stop);

            var orders = new Uri(lab.GatewayUrl, OrdersPath);
            var top = full ? settings.Connections.Max() : settings.ReferenceConnections;
            if (settings.Warmup > TimeSpan.Zero)
            {
                console.MarkupLineInterpolated($"  warm-up: {settings.Warmup.TotalSeconds:0} s of orders at {top} connections…");
                pass.Warmup = await MeasureAsync(lab, "orders (warm-up)", new WrkLoad(orders, top, settings.Warmup, "POST", OrderBody), stop);
            }
            foreach (var connections in full ? settings.Connections : [settings.ReferenceConnections])
            {
                var level = await MeasureAsync(lab, "orders", new WrkLoad(orders, connections, settings.Duration, "POST", OrderBody), stop);
                pass.Levels.Add(level);
                console.MarkupLineInterpolated($"  orders at {connections,2} connections: {level.SuccessfulPerSecond,8:0} orders/s, p99 {level.Latency.P99:0.0} ms, non-2xx {level.NonSuccess}, CPU {level.CpuMsPerRequest:0.000} ms/order");
                NoteExits(lab, pass);
            }

            var references = new List<(string Name, Uri Url)> { ("nginx /health", new Uri(lab.GatewayUrl, "/health")) };
            if (full)
            {
                references.Add(($"{ServiceCatalog.Auth.Name} /health (direct)", new Uri(lab[ServiceCatalog.Auth.Name].Url, "/health")));
            }
            foreach (var (referenceName, url) in references)
            {
                var level = await MeasureAsync(lab, referenceName, new WrkLoad(url, settings.ReferenceConnections, settings.Duration, CountStatuses: false), stop);
                pass.References.Add(new ReferenceResult(referenceName, url.ToString(), level));
                console.MarkupLineInterpolated($"  {referenceName} at {settings.ReferenceConnections} connections: {level.SuccessfulPerSecond,8:0} requests/s, p99 {level.Latency.P99:0.0} ms");
            }

            foreach (var component in lab.Components)
            {
                pass.MemoryAfter[component.Name] = MemoryOf(component);
            }
            NoteExits(lab, pass);
            await lab.StopAsync();
        }
        return pass;
    }

    static void NoteExits(RunningLab lab, PassResult pass)
    {
        foreach (var component in lab.Components.Where(c => c.Process.HasExited && !pass.Exited.Contains(c.Name)))
        {
            pass.Exited.Add(component.Name);
        }
        if (pass.Exited.Count > 0)
        {
            throw new InvalidOperationException($"{string.Join(", ", pass.Exited)} exited during the {pass.Name} pass; see the logs under {lab.Layout.LogsDirectory}");
        }
    }

    static MemoryFigure MemoryOf(RunningComponent component)
    {
        var memory = ProcStat.Memory(component.Pid);
        return new MemoryFigure(Round(memory.RssMib, 1), Round(memory.PeakMib, 1));
    }

    /// <summary>One order through the gateway must succeed before any load: otherwise the numbers would measure errors.</summary>
    static async Task CheckOneOrderAsync(RunningLab lab, CancellationToken stop)
    {
        using var content = new StringContent(OrderBody, Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(new Uri(lab.GatewayUrl, OrdersPath), content, stop);
        var body = await response.Content.ReadAsStringAsync(stop);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"a first order through the gateway got {(int)response.StatusCode}: {body}");
        }
    }

    static async Task<string> DescribeMetricsAsync(RunningLab lab, CancellationToken stop)
    {
        try
        {
            using var response = await Http.GetAsync(new Uri(lab[ServiceCatalog.Api.Name].Url, "/metrics"), stop);
            var text = await response.Content.ReadAsStringAsync(stop);
            var series = text.Split('\n').Count(l => l.Length > 0 && !l.StartsWith('#'));
            return $"{(int)response.StatusCode}, {series} series";
        }
        catch (HttpRequestException ex)
        {
            return "no answer: " + ex.Message;
        }
    }

    /// <summary>Runs wrk once and, around it, samples the CPU of every process of the run and of the machine.</summary>
    async Task<LevelResult> MeasureAsync(RunningLab lab, string target, WrkLoad load, CancellationToken stop)
    {
        var loadAverage = ProcStat.LoadAverage()[0];
        var groups = lab.Components.ToDictionary(c => c.Name, c => c.Pid);
        var before = ProcStat.SampleGroups(groups.Values);
        var machineBefore = ProcStat.SampleMachine();
        var ownBefore = ProcStat.OwnTicks();
        var clock = Stopwatch.StartNew();

        var result = await _wrk.RunAsync(load, stop);

        var seconds = clock.Elapsed.TotalSeconds;
        var after = ProcStat.SampleGroups(groups.Values);
        var machineAfter = ProcStat.SampleMachine();
        var ownTicks = ProcStat.OwnTicks() - ownBefore;

        var ticks = groups.ToDictionary(g => g.Key, g => ProcStat.Delta(before[g.Value], after[g.Value]));
        double Ms(long t) => ProcStat.TicksToTime(t).TotalMilliseconds;
        double CoresOf(double cpuSeconds) => Round(cpuSeconds / seconds, 3);
        var perRequest = result.Requests > 0 ? ticks.ToDictionary(t => t.Key, t => Round(Ms(t.Value) / result.Requests, 4)) : null;
        var componentsSeconds = ProcStat.TicksToTime(ticks.Values.Sum()).TotalSeconds;
        var machineSeconds = ProcStat.TicksToTime(machineAfter.Busy - machineBefore.Busy).TotalSeconds;
        var cores = ticks.ToDictionary(t => t.Key, t => CoresOf(ProcStat.TicksToTime(t.Value).TotalSeconds));
        cores["all components"] = CoresOf(componentsSeconds);
        cores["wrk"] = CoresOf(_wrk.LastCpu.TotalSeconds);
        cores["benchmark"] = CoresOf(ProcStat.TicksToTime(ownTicks).TotalSeconds);
        cores["machine busy"] = CoresOf(machineSeconds);
        cores["everything else"] = CoresOf(Math.Max(0, machineSeconds - componentsSeconds - _wrk.LastCpu.TotalSeconds - ProcStat.TicksToTime(ownTicks).TotalSeconds));

        return new LevelResult(
            Target: target,
            Connections: load.Connections,
            Threads: load.ThreadsFor(_wrk.MaxThreads),
            Seconds: Round(result.Seconds, 3),
            Requests: result.Requests,
            Successful: result.Successful,
            NonSuccess: result.NonSuccess,
            SocketErrors: result.Errors with { Status = 0 },
            Statuses: result.Statuses,
            SuccessfulPerSecond: Round(result.SuccessfulPerSecond, 1),
            Latency: new LatencyMs(Ms2(result.LatencyUs.P50), Ms2(result.LatencyUs.P90), Ms2(result.LatencyUs.P99),
                Ms2(result.LatencyUs.P999), Ms2(result.LatencyUs.Max), Ms2(result.LatencyUs.Mean)),
            CpuMsPerRequest: result.Requests > 0 ? Round(Ms(ticks.Values.Sum()) / result.Requests, 4) : null,
            CpuMsPerRequestByComponent: perRequest,
            Cores: cores,
            MemoryAfter: lab.Components.ToDictionary(c => c.Name, MemoryOf),
            LoadAverage1AtStart: loadAverage);

        static double Ms2(long microseconds) => Round(microseconds / 1000.0, 3);
    }

    static double Round(double value, int digits = 1) => Math.Round(value, digits, MidpointRounding.AwayFromZero);
}
