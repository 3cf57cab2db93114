using System.Diagnostics;
using System.Net;
using System.Text.Json;
using CloudMart.Lab;

namespace CloudMart.Verification.Local;

/// <summary>What <c>verify</c> checks on the local run, and how.</summary>
public sealed record LocalVerifyOptions
{
    /// <summary>Where the running <c>cloudmart up</c> keeps its run.json and logs.</summary>
    public required LabLayout Layout { get; init; }

    /// <summary>The orders, and the Tempo their trace is also looked up in when given; with no gateway, the one run.json names.</summary>
    public OrderCheckOptions Orders { get; init; } = new();

    /// <summary>How long to wait for an order's log lines to reach every service's log file.</summary>
    public TimeSpan LogWait { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// The guide's health checklist on the system <c>cloudmart up</c> runs on this machine: its
/// processes, their health endpoints, orders through the gateway, the log files since the start,
/// and one order's trace id in the log of every service.
/// </summary>
public sealed class LocalVerification(LocalVerifyOptions options)
{
    const string ProcessesName = "processes", ProcessesTitle = "The local run's processes are up";
    const string HealthName = "health", HealthTitle = "Every component answers /health";
    const string LogsName = "logs", LogsTitle = "No error lines in the logs since the run started";
    const string TraceLogsName = "trace-logs", TraceLogsTitle = "One order's trace id is in every service's log";

    /// <summary>How long each component's /health may take to answer.</summary>
    static readonly TimeSpan HealthWait = TimeSpan.FromSeconds(5);

    RunRecord? _record;
    LoadReport? _orders;
    Dictionary<string, long> _logStart = [];

    public string Target => $"the local run ({Shown(options.Layout.RunFile)})";

    public IReadOnlyList<VerifyStep> Steps =>
    [
        new(ProcessesName, ProcessesTitle, (_, _) => Task.FromResult(Processes())),
        new(HealthName, HealthTitle, (_, token) => HealthAsync(token)),
        new(OrdersCheck.Name, options.Orders.Title, OrdersAsync),
        new(LogsName, LogsTitle, (_, _) => Task.FromResult(Logs())),
        new(TraceLogsName, TraceLogsTitle, TraceInLogsAsync),
        .. options.Orders.TempoUrl is { } tempo
            ? [new VerifyStep(TempoTraceCheck.Name, TempoTraceCheck.Title,
                (progress, token) => TempoTraceCheck.RunAsync(tempo, OrdersCheck.TraceToFollow(_orders), options.Orders.TempoWait, progress, token))]
            : Array.Empty<VerifyStep>(),
    ];

    public Task<VerifyReport> RunAsync(Action<CheckResult>? finished = null, CancellationToken cancellationToken = default) =>
        VerifyReport.RunAsync(Target, Steps, finished: finished, cancellationToken: cancellationToken);

    CheckResult Processes()
    {
        const string name = ProcessesName, title = ProcessesTitle;
        var file = options.Layout.RunFile;
        _record = RunRecord.Read(file);
        if (_record is null)
        {
            return new CheckResult(name, title, CheckOutcome.Failed,
                $"no local run: {Shown(file)} does not exist; start CloudMart with ./cloudmart up (or pass --cluster)", [], Stops: true);
        }
        if (!_record.OwnerIsAlive)
        {
            return new CheckResult(name, title, CheckOutcome.Failed,
                $"no local run: the cloudmart up that wrote {Shown(file)} (pid {_record.OwnerPid}) has stopped; start CloudMart with ./cloudmart up", [], Stops: true);
        }
        var evidence = new List<string>();
        var down = new List<string>();
        foreach (var component in _record.Components)
        {
            var alive = component.IsAlive;
            if (!alive)
            {
                down.Add(component.Name);
            }
            evidence.Add($"{component.Name}: pid {component.Pid} {(alive ? "running" : "not running")}, {component.Url}, log {Shown(component.LogFile)}");
        }
        foreach (var missing in ServiceCatalog.All.Select(s => s.Name).Except(_record.Components.Select(c => c.Name)))
        {
            down.Add(missing);
            evidence.Add($"{missing}: not in {Shown(file)}");
        }
        var age = DateTimeOffset.Now - _record.Started;
        return CheckResult.From(down.Count == 0, name, title,
            down.Count == 0
                ? $"all {_record.Components.Count} processes running (cloudmart up pid {_record.OwnerPid}, started {Ago(age)} ago)"
                : $"not running: {string.Join(", ", down)}",
            evidence);
    }

    async Task<CheckResult> HealthAsync(CancellationToken cancellationToken)
    {
        const string name = HealthName, title = HealthTitle;
        var record = _record!;
        var answers = await Task.WhenAll(record.Components.Select(async component =>
        {
            var url = HealthProbe.UrlOf(component.Url);
            var clock = Stopwatch.StartNew();
            var answer = await HealthProbe.ProbeAsync(url, component.Name, HealthWait, cancellationToken);
            return (component.Name, answer.Healthy, Line: answer.StatusCode is { } code
                ? $"{component.Name}: GET {url} → {code} in {LoadReport.Milliseconds(clock.Elapsed)}" + (answer.Healthy ? "" : $": {LogScan.Shorten(answer.Body, 160)}")
                : $"{component.Name}: GET {url} failed: {answer.Error}");
        }));
        var sick = answers.Where(a => !a.Healthy).Select(a => a.Name).ToList();
        return CheckResult.From(sick.Count == 0, name, title,
            sick.Count == 0 ? $"all {answers.Length} components answered 200" : $"unhealthy: {string.Join(", ", sick)}",
            answers.Select(a => a.Line));
    }

    async Task<CheckResult> OrdersAsync(Action<string> progress, CancellationToken cancellationToken)
    {
        var gateway = options.Orders.GatewayUrl
            ?? (_record!.Components.FirstOrDefault(c => c.Name == ServiceCatalog.Gateway.Name) is { } component ? new Uri(component.Url) : null);
        if (gateway is null)
        {
            return CheckResult.Fail(OrdersCheck.Name, options.Orders.Title, "run.json names no gateway to send orders to");
        }
        var plan = options.Orders.Plan(gateway);
        // The orders' lines are written after this point: the trace search starts here, not at the top of a long log.
        _logStart = LogLengths(_record!);
        var (result, report) = await OrdersCheck.RunAsync(plan, options.Orders.GatewayUrl is null ? "the local run's gateway" : "--url", progress, cancellationToken);
        _orders = report;
        return result;
    }

    CheckResult Logs()
    {
        const string name = LogsName, title = LogsTitle;
        var record = _record!;
        var since = record.Started - TimeSpan.FromSeconds(1);
        var evidence = new List<string>();
        long total = 0;
        var noisy = new List<string>();
        long scanned = 0;
        foreach (var component in record.Components)
        {
            var scan = LogFileScan.Run(component.LogFile, 0, line => LogScan.IsError(line, since), keep: 3);
            scanned += scan.Lines;
            if (scan.Matches == 0)
            {
                evidence.Add($"{component.Name}: {scan.Lines} lines, no error");
                continue;
            }
            total += scan.Matches;
            noisy.Add(component.Name);
            evidence.Add($"{component.Name}: {scan.Matches} error line{(scan.Matches == 1 ? "" : "s")} in {Shown(component.LogFile)}, e.g.");
            evidence.AddRange(scan.Kept.Select(line => "  " + LogScan.Summarize(line)));
        }
        return CheckResult.From(total == 0, name, title,
            total == 0
                ? $"no error or fatal line in {scanned} lines of {record.Components.Count} logs"
                : $"{total} error line{(total == 1 ? "" : "s")} in the logs of {string.Join(", ", noisy)}",
            evidence);
    }

    async Task<CheckResult> TraceInLogsAsync(Action<string> progress, CancellationToken cancellationToken)
    {
        const string name = TraceLogsName, title = TraceLogsTitle;
        var traceId = OrdersCheck.TraceToFollow(_orders);
        if (traceId is null)
        {
            return CheckResult.Fail(name, title, "no order came back with a traceparent header, so there is no trace to follow");
        }
        var record = _record!;
        var until = Stopwatch.StartNew();
        Dictionary<string, long> found;
        while (true)
        {
            progress($"looking for trace {traceId} in the services' logs");
            found = ServiceCatalog.Services.ToDictionary(s => s.Name, s =>
                record.Components.FirstOrDefault(c => c.Name == s.Name) is { } component
                    ? LogFileScan.Run(component.LogFile, _logStart.GetValueOrDefault(component.Name), line => LogScan.MentionsTrace(line, traceId), keep: 0).Matches
                    : 0);
            // Log lines reach the files a moment after the response: look again for a little while.
            if (found.Values.All(n => n > 0) || until.Elapsed >= options.LogWait)
            {
                break;
            }
            await Task.Delay(100, cancellationToken);
        }
        var missing = found.Where(p => p.Value == 0).Select(p => p.Key).ToList();
        var evidence = found.Select(p => $"{p.Key}: {p.Value} line{(p.Value == 1 ? "" : "s")} with trace_id {traceId}").ToList();
        if (record.Components.FirstOrDefault(c => c.Name == ServiceCatalog.Gateway.Name) is { } gateway)
        {
            var lines = LogFileScan.Run(gateway.LogFile, _logStart.GetValueOrDefault(gateway.Name), line => LogScan.MentionsTrace(line, traceId), keep: 0).Matches;
            evidence.Insert(0, $"gateway: {lines} access line{(lines == 1 ? "" : "s")} with trace_id {traceId}");
        }
        return CheckResult.From(missing.Count == 0, name, title,
            missing.Count == 0
                ? $"trace {traceId} is in the logs of all five services"
                : $"trace {traceId} is missing from the logs of {string.Join(", ", missing)}",
            evidence);
    }

    /// <summary>The length of each component's log now, so later searches can start there.</summary>
    static Dictionary<string, long> LogLengths(RunRecord record) =>
        record.Components.ToDictionary(c => c.Name, c => File.Exists(c.LogFile) ? new FileInfo(c.LogFile).Length : 0L);

    static string Ago(TimeSpan age) => age.TotalHours >= 1 ? $"{(int)age.TotalHours} h {age.Minutes} min"
        : age.TotalMinutes >= 1 ? $"{(int)age.TotalMinutes} min {age.Seconds} s"
        : $"{Math.Max(0, (int)age.TotalSeconds)} s";

    /// <summary>A path relative to the current folder when it is under it.</summary>
    static string Shown(string path)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }
}
