namespace CloudMart.Benchmark;

/// <summary>The benchmark's tables on the console.</summary>
public static class Report
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Header(IAnsiConsole console, BenchmarkResults results, LabPorts ports)
    {
        var m = results.Machine;
        var s = results.Settings;
        console.MarkupLineInterpolated($"[bold]CloudMart benchmark[/] {results.Started:yyyy-MM-dd HH:mm:ss zzz}, commit {m.GitCommit?[..Math.Min(10, m.GitCommit.Length)] ?? "?"}{(m.GitDirty == true ? " (with uncommitted changes)" : "")}");
        console.MarkupLineInterpolated($"Machine: {m.Cores} cores ({m.CpuModel}), {m.MemoryMiB} MiB, Linux {m.Kernel}; load average {Load(m.LoadAverageAtStart)}, {m.BusyCoresAtStart:0.00} cores busy before the run; {m.Wrk}; nginx {m.Nginx}");
        console.MarkupLineInterpolated($"Services: {s.Binaries}; gateway http://127.0.0.1:{ports.For(ServiceCatalog.Gateway)} (port offset {ports.Offset})");
        console.MarkupLineInterpolated($"Load: POST /api/orders {s.Body} through nginx, wrk -t{s.WrkThreads}, {s.DurationSeconds:0} s per level at {string.Join(", ", s.Connections)} connections after {s.WarmupSeconds:0} s of warm-up");
        if (s.ExtraEnvironment.Count > 0)
        {
            console.MarkupLineInterpolated($"Extra environment of the five services (--env): {string.Join(' ', s.ExtraEnvironment.Select(e => $"{e.Key}={e.Value}"))}");
        }
        if (m.BusyCoresAtStart > Summaries.NoisyCores)
        {
            console.MarkupLineInterpolated($"[yellow]Other programs keep {m.BusyCoresAtStart:0.00} of the {m.Cores} cores busy: the figures will be low and noisy; the ratios to nginx hold better.[/]");
        }
        console.WriteLine();
    }

    public static void Results(IAnsiConsole console, BenchmarkResults results)
    {
        console.WriteLine();
        var on = results.TelemetryOn;
        var off = results.TelemetryOff;
        OrderLevels(console, on, off);
        References(console, on, off);
        Ratios(console, results, on, off);
        Memory(console, on, off);
        CpuByComponent(console, on, off);
        Startup(console, results, on);

        if (results.Durability is { } durability)
        {
            console.MarkupLineInterpolated($"Durability: {durability.Summary}; {durability.FailedAfterKill} orders failed after the kill.");
        }

        if (results.Targets.Count > 0)
        {
            var table = NewTable("Targets of issue 5", "target", "measured", "met");
            foreach (var target in results.Targets)
            {
                AddRow(table, target.Target, target.Measured, target.Met switch { true => "yes", false => "NO", null => "-" });
            }
            console.Write(table);
        }
        console.MarkupLineInterpolated($"Load average at the start {Load(results.Machine.LoadAverageAtStart)}, at the end {Load(results.LoadAverageAtEnd ?? [])}.");
        foreach (var note in results.Notes)
        {
            console.MarkupLineInterpolated($"[yellow]Note:[/] {note}");
        }
    }

    /// <summary>The order levels of each pass.</summary>
    static void OrderLevels(IAnsiConsole console, PassResult? on, PassResult? off)
    {
        if (on is not null && on.Levels.Count > 0)
        {
            var table = NewTable("POST /api/orders through nginx",
                "connections", "orders/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "non-2xx", "socket errors", "CPU ms/order", "others' cores");
            foreach (var level in on.Levels)
            {
                AddLevelRow(table, level.Connections.ToString(Inv), level);
            }
            foreach (var level in off?.Levels ?? [])
            {
                AddLevelRow(table, $"{level.Connections} (telemetry off)", level);
            }
            console.Write(table);
        }
    }

    /// <summary>The reference targets (nginx alone, a service alone) of each pass.</summary>
    static void References(IAnsiConsole console, PassResult? on, PassResult? off)
    {
        var references = (on?.References ?? []).Select(r => (r.Name, r.Level))
            .Concat((off?.References ?? []).Select(r => (r.Name + " (telemetry-off pass)", r.Level))).ToList();
        if (references.Count > 0)
        {
            var table = NewTable("References", "target", "connections", "requests/s", "p50 ms", "p99 ms", "max ms", "non-2xx", "CPU ms/request");
            foreach (var (name, level) in references)
            {
                AddRow(table, name, level.Connections.ToString(Inv), level.SuccessfulPerSecond.ToString("0", Inv), Ms(level.Latency.P50),
                    Ms(level.Latency.P99), Ms(level.Latency.Max), (level.NonSuccess + SocketErrors(level)).ToString(Inv), Cpu(level.CpuMsPerRequest));
            }
            console.Write(table);
        }
    }

    /// <summary>The figures that compare passes and targets.</summary>
    static void Ratios(IAnsiConsole console, BenchmarkResults results, PassResult? on, PassResult? off)
    {
        foreach (var pass in new[] { on, off }.OfType<PassResult>().Where(p => p.MetricsEndpoint is not null))
        {
            console.MarkupLineInterpolated($"GET /metrics on the api-service in the {pass.Name} pass: {pass.MetricsEndpoint}");
        }
        if (results.OrdersPerNginxHealth is { } ratio)
        {
            console.MarkupLineInterpolated($"Orders/s at {results.Settings.ReferenceConnections} connections ÷ nginx /health requests/s: [bold]{ratio:0.00%}[/]");
        }
        if (results.Telemetry is { } telemetry)
        {
            var normalized = telemetry.NormalizedCostPercent is { } n ? $"; {n:0.0}% after dividing each by its pass's nginx /health rate" : "";
            console.MarkupLineInterpolated($"Telemetry cost at {telemetry.Connections} connections: [bold]{telemetry.CostPercent:0.0}%[/] ({telemetry.OrdersPerSecondOn:0} orders/s on, {telemetry.OrdersPerSecondOff:0} off{normalized})");
        }
    }

    /// <summary>Each component's resident memory along the passes.</summary>
    static void Memory(IAnsiConsole console, PassResult? on, PassResult? off)
    {
        if (on is not null && on.MemoryIdle.Count > 0)
        {
            var headers = new List<string> { "component", "idle" };
            headers.AddRange(on.Levels.Select(l => $"after {l.Connections} conn."));
            headers.AddRange(["end of pass", "peak"]);
            if (off is not null && off.MemoryIdle.Count > 0)
            {
                headers.AddRange(["idle (tel. off)", "peak (tel. off)"]);
            }
            var table = NewTable("Resident memory, MiB (VmRSS; nginx = master + workers)", [.. headers]);
            foreach (var component in ServiceCatalog.All.Select(c => c.Name).Where(on.MemoryIdle.ContainsKey))
            {
                var cells = new List<string> { component, Mib(on.MemoryIdle[component].RssMib) };
                cells.AddRange(on.Levels.Select(l => l.MemoryAfter?.GetValueOrDefault(component)?.RssMib is { } rss ? Mib(rss) : "-"));
                cells.Add(on.MemoryAfter.GetValueOrDefault(component)?.RssMib is { } end ? Mib(end) : "-");
                cells.Add(on.MemoryAfter.GetValueOrDefault(component)?.PeakMib is { } peak ? Mib(peak) : "-");
                if (off is not null && off.MemoryIdle.Count > 0)
                {
                    cells.Add(off.MemoryIdle.GetValueOrDefault(component)?.RssMib is { } idleOff ? Mib(idleOff) : "-");
                    cells.Add(off.MemoryAfter.GetValueOrDefault(component)?.PeakMib is { } peakOff ? Mib(peakOff) : "-");
                }
                AddRow(table, [.. cells]);
            }
            console.Write(table);
        }
    }

    /// <summary>The CPU each component, wrk and the rest of the machine used per order.</summary>
    static void CpuByComponent(IAnsiConsole console, PassResult? on, PassResult? off)
    {
        if (on is not null && on.Levels.Count > 0)
        {
            var levels = on.Levels.Concat(off?.Levels ?? []).ToList();
            var table = NewTable("Where the CPU goes: ms per order by component; cores busy on average",
                ["", .. on.Levels.Select(l => $"{l.Connections} conn."), .. (off?.Levels ?? []).Select(l => $"{l.Connections} (tel. off)")]);
            foreach (var component in ServiceCatalog.All.Select(c => c.Name))
            {
                AddRow(table, [component, .. levels.Select(l => Cpu(l.CpuMsPerRequestByComponent?.GetValueOrDefault(component)))]);
            }
            AddRow(table, ["all six, ms/order", .. levels.Select(l => Cpu(l.CpuMsPerRequest))]);
            foreach (var key in new[] { "all components", "wrk", "benchmark", "everything else", "machine busy" })
            {
                AddRow(table, [$"{key}, cores", .. levels.Select(l => l.Cores?.GetValueOrDefault(key) is { } c ? c.ToString("0.00", Inv) : "-")]);
            }
            console.Write(table);
        }
    }

    /// <summary>Each service's start-up alone and in the run.</summary>
    static void Startup(IAnsiConsole console, BenchmarkResults results, PassResult? on)
    {
        if (results.StartupAlone.Count > 0 || on?.StartupInRunMs.Count > 0)
        {
            var table = NewTable("Start-up: process start to first healthy /health, ms",
                "component", "alone: median", "alone: min-max", "in the run (all six at once, 50 ms polls)");
            foreach (var component in ServiceCatalog.All.Select(c => c.Name))
            {
                var alone = results.StartupAlone.FirstOrDefault(s => s.Service == component);
                AddRow(table, component,
                    alone is null ? "-" : alone.MedianMs.ToString("0", Inv),
                    alone is null ? "-" : $"{alone.MinMs:0}-{alone.MaxMs:0}",
                    on?.StartupInRunMs.TryGetValue(component, out var inRun) == true ? inRun.ToString("0", Inv) : "-");
            }
            console.Write(table);
        }
    }

    static void AddLevelRow(Table table, string name, LevelResult level) =>
        AddRow(table, name, level.SuccessfulPerSecond.ToString("0", Inv), Ms(level.Latency.P50), Ms(level.Latency.P90), Ms(level.Latency.P99),
            Ms(level.Latency.Max), level.NonSuccess.ToString(Inv), SocketErrors(level).ToString(Inv), Cpu(level.CpuMsPerRequest),
            level.Cores?.GetValueOrDefault("everything else") is { } others ? others.ToString("0.00", Inv) : "-");

    static long SocketErrors(LevelResult level) =>
        level.SocketErrors.Connect + level.SocketErrors.Read + level.SocketErrors.Write + level.SocketErrors.Timeout;

    static Table NewTable(string title, params string[] columns)
    {
        var table = new Table().RoundedBorder().Title(Markup.Escape(title));
        for (var i = 0; i < columns.Length; i++)
        {
            var column = new TableColumn(Markup.Escape(columns[i]));
            table.AddColumn(i == 0 ? column : column.RightAligned());
        }
        return table;
    }

    static void AddRow(Table table, params string[] cells) => table.AddRow(cells.Select(Markup.Escape).ToArray());

    static string Ms(double ms) => ms.ToString(ms < 10 ? "0.00" : ms < 100 ? "0.0" : "0", Inv);

    static string Mib(double mib) => mib.ToString("0.0", Inv);

    static string Cpu(double? ms) => ms is { } value ? value.ToString("0.000", Inv) : "-";

    static string Load(double[] load) => string.Join(' ', load.Select(l => l.ToString("0.00", Inv)));
}
