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

    static readonly HttpClient Http = ToolHttp.Create(TimeSpan.FromSeconds(10), connectTimeout: TimeSpan.FromSeconds(2), maxConnectionsPerServer: 64);

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

            await MeasureReferencesAsync(lab, pass, full, stop);

            foreach (var component in lab.Components)
            {
                pass.MemoryAfter[component.Name] = MemoryOf(component);
            }
            NoteExits(lab, pass);
            await lab.StopAsync();
        }
        return pass;
    }

    static double Round(double value, int digits = 1) => Math.Round(value, digits, MidpointRounding.AwayFromZero);
}
