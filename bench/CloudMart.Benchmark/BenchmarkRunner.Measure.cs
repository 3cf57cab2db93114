using System.Net;
using System.Text;

namespace CloudMart.Benchmark;

/// <summary>The measurements of one pass: a wrk level, the references, memory, exits, and the checks before any load.</summary>
public sealed partial class BenchmarkRunner
{
    /// <summary>What the system's own floor is: nginx's /health, and (in a full pass) one service's /health straight.</summary>
    async Task MeasureReferencesAsync(RunningLab lab, PassResult pass, bool full, CancellationToken stop)
    {
        var references = new List<(string Name, Uri Url)> { ("nginx /health", HealthProbe.UrlOf(lab.GatewayUrl)) };
        if (full)
        {
            references.Add(($"{ServiceCatalog.Auth.Name} /health (direct)", HealthProbe.UrlOf(lab[ServiceCatalog.Auth.Name].Url)));
        }
        foreach (var (referenceName, url) in references)
        {
            var level = await MeasureAsync(lab, referenceName, new WrkLoad(url, settings.ReferenceConnections, settings.Duration, CountStatuses: false), stop);
            pass.References.Add(new ReferenceResult(referenceName, url.ToString(), level));
            console.MarkupLineInterpolated($"  {referenceName} at {settings.ReferenceConnections} connections: {level.SuccessfulPerSecond,8:0} requests/s, p99 {level.Latency.P99:0.0} ms");
        }
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
}
