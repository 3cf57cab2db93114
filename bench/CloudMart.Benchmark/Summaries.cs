namespace CloudMart.Benchmark;

/// <summary>
/// The figures derived from the measurements: the ratio to nginx, the cost of telemetry, and the
/// check of each target of issue 5 (the performance issue) against this run.
/// </summary>
public static class Summaries
{
    /// <summary>Cores used by other programs above which a run is called noisy.</summary>
    public const double NoisyCores = 0.2;

    /// <summary>Issue 5's targets, for this machine.</summary>
    public static class Targets
    {
        public const double OrdersPerSecond = 2900;
        public const double RatioToNginx = 0.05;
        public const double P99Ms = 50;
        public const double CpuMsPerOrder = 0.5;
        public const double IdleMiB = 40;
        public const double AfterLoadMiB = 80;
        public const double StartupMs = 300;
        public const double TelemetryCostPercent = 15;
    }

    public static void Complete(BenchmarkResults results)
    {
        var on = results.TelemetryOn;
        var top = on?.Levels.MaxBy(l => l.Connections);
        var nginxOn = NginxHealth(on);
        if (top is not null && nginxOn is { SuccessfulPerSecond: > 0 } reference)
        {
            results.OrdersPerNginxHealth = Math.Round(top.SuccessfulPerSecond / reference.SuccessfulPerSecond, 4);
        }

        var off = results.TelemetryOff;
        var topOn = on?.Levels.FirstOrDefault(l => l.Connections == results.Settings.ReferenceConnections);
        var topOff = off?.Levels.FirstOrDefault(l => l.Connections == results.Settings.ReferenceConnections);
        if (topOn is not null && topOff is { SuccessfulPerSecond: > 0 })
        {
            var nginxOff = NginxHealth(off);
            double? normalized = nginxOn is { SuccessfulPerSecond: > 0 } && nginxOff is { SuccessfulPerSecond: > 0 }
                ? Math.Round(100 * (1 - topOn.SuccessfulPerSecond / nginxOn.SuccessfulPerSecond / (topOff.SuccessfulPerSecond / nginxOff.SuccessfulPerSecond)), 1)
                : null;
            results.Telemetry = new TelemetryCost(topOn.Connections, topOn.SuccessfulPerSecond, topOff.SuccessfulPerSecond,
                Math.Round(100 * (1 - topOn.SuccessfulPerSecond / topOff.SuccessfulPerSecond), 1),
                nginxOn?.SuccessfulPerSecond, nginxOff?.SuccessfulPerSecond, normalized);
        }

        results.Targets.Clear();
        results.Targets.AddRange(Check(results));

        var noisy = new[] { results.TelemetryOn, results.TelemetryOff }.OfType<PassResult>()
            .SelectMany(p => p.Levels.Concat(p.References.Select(r => r.Level)).Select(l => (Pass: p.Name, Level: l)))
            .Where(x => x.Level.Cores?.GetValueOrDefault("everything else") > NoisyCores)
            .Select(x => string.Create(CultureInfo.InvariantCulture, $"{x.Pass} {x.Level.Target} at {x.Level.Connections} ({x.Level.Cores!["everything else"]:0.00} cores)"))
            .ToList();
        if (noisy.Count > 0)
        {
            results.Notes.Add("other programs competed for the cores during " + string.Join(", ", noisy) + ": those figures are low; the ratios to nginx hold better");
        }
        else if (results.Machine.BusyCoresAtStart > NoisyCores)
        {
            results.Notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"other programs kept {results.Machine.BusyCoresAtStart:0.00} cores busy just before the run, though not during the measured levels"));
        }
    }

    static LevelResult? NginxHealth(PassResult? pass) => pass?.References.FirstOrDefault(r => r.Name.StartsWith("nginx", StringComparison.Ordinal))?.Level;

    static IEnumerable<TargetCheck> Check(BenchmarkResults results)
    {
        var inv = CultureInfo.InvariantCulture;
        var on = results.TelemetryOn;
        var top = on?.Levels.FirstOrDefault(l => l.Connections == results.Settings.ReferenceConnections);
        if (top is not null)
        {
            yield return new TargetCheck($"orders/s at {top.Connections} connections >= {Targets.OrdersPerSecond:0}",
                top.SuccessfulPerSecond.ToString("0", inv), top.SuccessfulPerSecond >= Targets.OrdersPerSecond);
            if (results.OrdersPerNginxHealth is { } ratio)
            {
                yield return new TargetCheck($"orders/s ÷ nginx /health requests/s >= {Targets.RatioToNginx:0%}",
                    ratio.ToString("0.0%", inv), ratio >= Targets.RatioToNginx);
            }
            yield return new TargetCheck($"p99 at {top.Connections} connections < {Targets.P99Ms:0} ms",
                top.Latency.P99.ToString("0.0", inv) + " ms", top.Latency.P99 < Targets.P99Ms);
            yield return new TargetCheck($"CPU per order at {top.Connections} connections <= {Targets.CpuMsPerOrder} ms (services + nginx)",
                (top.CpuMsPerRequest ?? double.NaN).ToString("0.000", inv) + " ms", top.CpuMsPerRequest <= Targets.CpuMsPerOrder);
        }
        if (on is not null && on.Levels.Count > 0)
        {
            var failures = on.Levels.Sum(l => l.NonSuccess + l.SocketErrors.Connect + l.SocketErrors.Read + l.SocketErrors.Write + l.SocketErrors.Timeout);
            yield return new TargetCheck("zero errors at every level (non-2xx and socket errors)", failures.ToString(inv), failures == 0);
        }
        if (on is not null && on.MemoryIdle.Count > 0)
        {
            foreach (var check in MemoryChecks(on))
            {
                yield return check;
            }
        }
        if (results.StartupAlone.Count > 0)
        {
            var slowest = results.StartupAlone.MaxBy(s => s.MedianMs)!;
            yield return new TargetCheck($"each service healthy within {Targets.StartupMs:0} ms of its process start (median, started alone)",
                $"slowest {slowest.Service} {slowest.MedianMs.ToString("0", inv)} ms (max {slowest.MaxMs.ToString("0", inv)})", slowest.MedianMs <= Targets.StartupMs);
        }
        if (results.Telemetry is { } telemetry)
        {
            yield return new TargetCheck($"tracing and metrics cost < {Targets.TelemetryCostPercent:0}% of throughput",
                $"{telemetry.CostPercent.ToString("0.0", inv)}% ({telemetry.OrdersPerSecondOn.ToString("0", inv)} on vs {telemetry.OrdersPerSecondOff.ToString("0", inv)} off)",
                telemetry.CostPercent < Targets.TelemetryCostPercent);
        }
        if (results.Durability is { } durability)
        {
            yield return new TargetCheck("every acknowledged order survives kill -9 of the database-service", durability.Summary, durability.Missing == 0);
        }
    }

    /// <summary>The memory targets: every service idle, and after the load (the auth-service, whose need is bounded apart, alone).</summary>
    static IEnumerable<TargetCheck> MemoryChecks(PassResult on)
    {
        var inv = CultureInfo.InvariantCulture;
        var services = ServiceCatalog.Services.Select(s => s.Name).Where(on.MemoryIdle.ContainsKey).ToList();
        var worstIdle = services.MaxBy(s => on.MemoryIdle[s].RssMib)!;
        yield return new TargetCheck($"every service < {Targets.IdleMiB:0} MiB resident when idle",
            $"largest {worstIdle} {on.MemoryIdle[worstIdle].RssMib.ToString("0.0", inv)} MiB", on.MemoryIdle[worstIdle].RssMib < Targets.IdleMiB);
        if (on.MemoryAfter.Count > 0)
        {
            var others = services.Where(s => s != ServiceCatalog.Auth.Name).ToList();
            var worst = others.MaxBy(s => on.MemoryAfter[s].RssMib)!;
            yield return new TargetCheck($"every service but the auth-service < {Targets.AfterLoadMiB:0} MiB resident after the load",
                $"largest {worst} {on.MemoryAfter[worst].RssMib.ToString("0.0", inv)} MiB", on.MemoryAfter[worst].RssMib < Targets.AfterLoadMiB);
            var highest = others.MaxBy(s => on.MemoryAfter[s].PeakMib)!;
            yield return new TargetCheck($"(for memory limits) the same services' peak over the pass (VmHWM)",
                $"largest {highest} {on.MemoryAfter[highest].PeakMib.ToString("0.0", inv)} MiB", null);
            if (on.MemoryAfter.TryGetValue(ServiceCatalog.Auth.Name, out var auth))
            {
                yield return new TargetCheck("auth-service after the load (its session cache is bounded by the faults issue; 128 MiB limit)",
                    $"{auth.PeakMib.ToString("0.0", inv)} MiB peak", auth.PeakMib < 128 ? null : false);
            }
        }
    }
}
