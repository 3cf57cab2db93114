using System.Globalization;
using System.Text.Json;
using CloudMart.Verification;
using CloudMart.Verification.Load;

namespace CloudMart.Cli.Commands;

/// <summary>What <c>load</c> was asked for, from its options.</summary>
public sealed record LoadSettings
{
    public static readonly Uri DefaultUrl = new("http://localhost:8080");

    public required LoadPlan Plan { get; init; }

    /// <summary>Print the report as JSON only, for scripts.</summary>
    public bool Json { get; init; }
}

/// <summary>
/// <c>cloudmart load</c>: the guide's 20-order check (or a heavier load), with live progress, a
/// table of results and latency percentiles, and an exit code that says whether the guide's
/// criteria held: every order HTTP 200, every order under 2 s.
/// </summary>
public static class LoadCommand
{
    public static Command Create(IAnsiConsole console, LabEnvironment? runs = null) => Create(new CliConsoles(console, console), runs);

    public static Command Create(CliConsoles consoles, LabEnvironment? runs = null)
    {
        var url = OptionValues.Url("--url", $"The gateway's address; orders go to URL/api/orders [default: the gateway of the run that is up, else {LoadSettings.DefaultUrl.ToString().TrimEnd('/')}]");
        var name = RunSelection.NameOption("The run whose gateway to load, as 'cloudmart up --name' named it [default: the only run that is up]");
        var orders = OptionValues.Count("--orders", $"How many orders to send [default: {LoadPlan.DefaultOrders}; with --duration: as many as fit]", 1, LoadPlan.MaxOrders);
        var interval = OptionValues.Duration("--interval", $"Pause after each order, as the guide's loop sleeps [default: 1s; 0 with --concurrency, --rate or --duration]");
        var concurrency = OptionValues.Count("--concurrency", "Orders in flight at once [default: 1]", 1, LoadPlan.MaxConcurrency);
        var rate = RateOption();
        var duration = OptionValues.Duration("--duration", $"Keep sending for this long (at most {LoadPlan.Describe(LoadPlan.MaxDuration)}) [default: until the orders are sent]");
        var timeout = OptionValues.Duration("--timeout", "How long one order may take before it counts as timed out [default: 10s]");
        var output = OutputFormat.Create();

        var command = new Command("load", "Send orders through the gateway, as the guide's 20-order check does, and report status codes, latency percentiles and the slowest trace. Exits non-zero when any order fails or takes 2 s or more.")
        {
            url, orders, interval, concurrency, rate, duration, timeout, name, output.Format, output.JsonAlias,
        };
        command.Validators.Add(result =>
        {
            if (!(result.TryGet(url, out var u) && result.TryGet(orders, out var o) && result.TryGet(interval, out var i)
                && result.TryGet(concurrency, out var c) && result.TryGet(rate, out var r) && result.TryGet(duration, out var d)
                && result.TryGet(timeout, out var t)))
            {
                return; // a value that did not parse has its own error
            }
            if (Plan(u, o, i, c, r, d, t).Problem() is { } problem)
            {
                result.AddError(problem + ".");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!TryTarget(parse.GetValue(url), parse.GetValue(name), runs, consoles, out var target))
            {
                return (int)ExitCodes.UsageError;
            }
            var settings = new LoadSettings
            {
                Plan = Plan(target, parse.GetValue(orders), parse.GetValue(interval), parse.GetValue(concurrency),
                    parse.GetValue(rate), parse.GetValue(duration), parse.GetValue(timeout)),
                Json = output.IsJson(parse),
            };
            using var signals = ShutdownSignals.Listen(cancellationToken);
            return (int)await RunAsync(settings, consoles, signals.Token);
        });
        return command;
    }

    /// <summary><c>--rate</c>: orders per second across all senders, above 0 and at most <see cref="LoadPlan.MaxRate"/>.</summary>
    static Option<double?> RateOption() => new("--rate")
    {
        Description = "Orders per second across all senders [default: as fast as they go]",
        HelpName = "per-second",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value > 0 && value <= LoadPlan.MaxRate)
            {
                return value;
            }
            result.AddError($"--rate must be a number of orders per second above 0 and at most {LoadPlan.MaxRate}, not '{text}'.");
            return null;
        },
    };

    /// <summary>The gateway to load: --url, else that of the run that is up (false, said why, when which run is ambiguous).</summary>
    static bool TryTarget(Uri? url, string? name, LabEnvironment? runs, CliConsoles consoles, out Uri? target)
    {
        target = url;
        if (target is null && runs is not null)
        {
            var run = runs.Runs.Choose(name, out var ambiguous);
            if (ambiguous is not null)
            {
                consoles.Error.Profile.Out.Writer.WriteLine($"error: {ambiguous}.");
                return false;
            }
            target = run.GatewayUrl;
        }
        return true;
    }

    /// <summary>
    /// The plan from the options. Without --concurrency, --rate or --duration it is the guide's
    /// paced loop (one order a second); with any of them, a load with no pause unless --interval says.
    /// </summary>
    public static LoadPlan Plan(Uri? url, int? orders, TimeSpan? interval, int? concurrency, double? rate, TimeSpan? duration, TimeSpan? timeout)
    {
        var isLoad = concurrency is not null || rate is not null || duration is not null;
        return new LoadPlan
        {
            BaseUrl = url ?? LoadSettings.DefaultUrl,
            Orders = orders ?? (duration is not null ? null : LoadPlan.DefaultOrders),
            Interval = interval ?? (isLoad ? TimeSpan.Zero : LoadPlan.DefaultInterval),
            Concurrency = concurrency ?? 1,
            Rate = rate,
            Duration = duration,
            RequestTimeout = timeout ?? TimeSpan.FromSeconds(10),
        };
    }

    /// <summary>Sends the load; the report goes to <see cref="CliConsoles.Out"/>, what it is doing meanwhile to <see cref="CliConsoles.Error"/>.</summary>
    public static async Task<ExitCodes> RunAsync(LoadSettings settings, CliConsoles consoles, CancellationToken stop)
    {
        var plan = settings.Plan;
        if (plan.Problem() is { } problem)
        {
            consoles.Error.MarkupLineInterpolated($"[red]error:[/] {problem}.");
            return ExitCodes.UsageError;
        }

        LoadReport report;
        if (settings.Json)
        {
            report = await OrderLoad.RunAsync(plan, cancellationToken: stop);
            consoles.Out.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(report.ToJson(), VerificationJson.Default.LoadJson));
        }
        else
        {
            consoles.Error.MarkupLineInterpolated($"Sending {Describe(plan)} to [bold]{plan.OrdersUrl}[/]...");
            report = await RunWithProgressAsync(plan, consoles.Error, stop);
            Show(report, consoles.Out);
        }
        return report.Interrupted ? ExitCodes.Interrupted
            : report.Passed ? ExitCodes.Success
            : ExitCodes.CriteriaMissed;
    }

    static string Describe(LoadPlan plan)
    {
        var what = plan.Orders is { } count ? $"{count} order{(count == 1 ? "" : "s")}" : "orders";
        var how = new List<string>();
        if (plan.Concurrency > 1)
        {
            how.Add($"{plan.Concurrency} at a time");
        }
        if (plan.Rate is { } rate)
        {
            how.Add($"{rate.ToString("0.##", CultureInfo.InvariantCulture)} per second");
        }
        if (plan.Interval > TimeSpan.Zero)
        {
            how.Add($"{LoadPlan.Describe(plan.Interval)} apart");
        }
        if (plan.Duration is { } duration)
        {
            how.Add($"for {LoadPlan.Describe(duration)}");
        }
        return how.Count == 0 ? what : $"{what}, {string.Join(", ", how)},";
    }

    /// <summary>Runs the load with a live progress bar on a terminal; elsewhere (a pipe, a file, a test) silently.</summary>
    static async Task<LoadReport> RunWithProgressAsync(LoadPlan plan, IAnsiConsole console, CancellationToken stop)
    {
        if (!console.Profile.Capabilities.Interactive)
        {
            return await OrderLoad.RunAsync(plan, cancellationToken: stop);
        }
        LoadReport? report = null;
        await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var byCount = plan.Orders is not null;
                var task = context.AddTask("orders", maxValue: byCount ? plan.OrderLimit : plan.TimeLimit.TotalSeconds);
                int sent = 0, ok = 0;
                var started = DateTimeOffset.UtcNow;
                var run = OrderLoad.RunAsync(plan, outcome =>
                {
                    sent++;
                    if (outcome.Succeeded && !outcome.Slow)
                    {
                        ok++;
                    }
                    task.Description = Markup.Escape($"{sent} sent, {ok} ok, {sent - ok} failed or slow · last {outcome.Result} in {LoadReport.Milliseconds(outcome.Latency)}");
                    if (byCount)
                    {
                        task.Value = sent;
                    }
                }, stop);
                while (!run.IsCompleted)
                {
                    if (!byCount)
                    {
                        task.Value = Math.Min(task.MaxValue, (DateTimeOffset.UtcNow - started).TotalSeconds);
                    }
                    await Task.WhenAny(run, Task.Delay(100, CancellationToken.None));
                }
                report = await run;
                task.Value = task.MaxValue;
            });
        return report!;
    }

    static void Show(LoadReport report, IAnsiConsole console)
    {
        console.MarkupLineInterpolated($"Sent {report.Sent} orders in {LoadReport.Seconds(report.Elapsed)} ({report.OrdersPerSecond:0.0} orders/s).");
        if (report.Sent > 0)
        {
            var results = new Table().Boxed(console).Title("Results")
                .AddColumn("Status").AddColumn(new TableColumn("Orders").RightAligned()).AddColumn(new TableColumn("Share").RightAligned());
            foreach (var (result, count) in report.Results)
            {
                var colour = result == "200" ? "green" : "red";
                results.AddRow($"[{colour}]{Markup.Escape(result)}[/]", count.ToString(CultureInfo.InvariantCulture),
                    ((double)count / report.Sent).ToString("P1", CultureInfo.InvariantCulture));
            }
            var latency = new Table().Boxed(console).Title("Latency")
                .AddColumn(new TableColumn("p50").RightAligned()).AddColumn(new TableColumn("p90").RightAligned())
                .AddColumn(new TableColumn("p95").RightAligned()).AddColumn(new TableColumn("p99").RightAligned())
                .AddColumn(new TableColumn("max").RightAligned());
            latency.AddRow(LoadReport.Milliseconds(report.Percentile(50)), LoadReport.Milliseconds(report.Percentile(90)),
                LoadReport.Milliseconds(report.Percentile(95)), LoadReport.Milliseconds(report.Percentile(99)),
                (report.Max >= LoadPlan.LatencyLimit ? "[red]" : "") + LoadReport.Milliseconds(report.Max) + (report.Max >= LoadPlan.LatencyLimit ? "[/]" : ""));
            console.Write(new Columns(results, latency) { Expand = false });
            console.MarkupLineInterpolated($"Success rate: [bold]{report.SuccessRate.ToString("P1", CultureInfo.InvariantCulture)}[/] ({report.Succeeded} of {report.Sent} HTTP 200)");
            if (report.Slowest is { } slowest)
            {
                console.MarkupLineInterpolated($"Slowest order: item-{slowest.Number}, {slowest.Result} in {LoadReport.Milliseconds(slowest.Latency)}, trace id [bold]{slowest.TraceId ?? "(no traceparent header)"}[/]");
            }
            if (report.SlowestTraced is { } traced && traced != report.Slowest)
            {
                console.MarkupLineInterpolated($"Slowest traced order: item-{traced.Number}, {traced.Result} in {LoadReport.Milliseconds(traced.Latency)}, trace id [bold]{traced.TraceId}[/]");
            }
            foreach (var failed in report.Orders.Where(o => !o.Succeeded || o.Slow).Take(5))
            {
                console.MarkupLineInterpolated($"  [red]item-{failed.Number}[/]: {failed.Result} after {LoadReport.Milliseconds(failed.Latency)}{(failed.Detail is { } d ? ": " + d : "")}");
            }
            var more = report.Orders.Count(o => !o.Succeeded || o.Slow) - 5;
            if (more > 0)
            {
                console.MarkupLineInterpolated($"  ... and {more} more (--json lists up to 100).");
            }
        }
        if (report.Passed)
        {
            console.MarkupLineInterpolated($"[green]PASS[/] {report.Verdict}.");
        }
        else
        {
            console.MarkupLineInterpolated($"[red]FAIL[/] {report.Verdict}.");
        }
    }
}
