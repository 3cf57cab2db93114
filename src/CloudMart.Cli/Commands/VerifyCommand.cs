using System.Text.Json;
using CloudMart.Cluster;
using CloudMart.Verification;
using CloudMart.Verification.Checks;
using CloudMart.Verification.Cluster;
using CloudMart.Verification.Load;
using CloudMart.Verification.Local;

namespace CloudMart.Cli.Commands;

/// <summary>What <c>verify</c> was asked for, from its options.</summary>
public sealed record VerifySettings
{
    /// <summary>Check a cluster through its API instead of the local run.</summary>
    public bool Cluster { get; init; }

    public string? Kubeconfig { get; init; }

    public string? Context { get; init; }

    public string Namespace { get; init; } = ServiceCatalog.Namespace;

    /// <summary>The orders to try (with no gateway: the local run's, or a port-forward on a cluster) and the Tempo to find one's trace in.</summary>
    public OrderCheckOptions Orders { get; init; } = new();

    /// <summary>How far back a cluster's logs are searched for errors.</summary>
    public TimeSpan Since { get; init; } = TimeSpan.FromMinutes(2);

    public bool Json { get; init; }

    /// <summary>The local run to check (<c>--name</c>); null for the only one up, else the default one.</summary>
    public string? RunName { get; init; }
}

/// <summary>
/// <c>cloudmart verify</c>: the guide's final health checklist as one command, on the local run
/// or (with <c>--cluster</c>) on a cluster, each check shown as pass or fail with what was seen.
/// Exits 0 only when every check passes.
/// </summary>
public static class VerifyCommand
{
    public static Command Create(IAnsiConsole console, LabEnvironment environment) => Create(new CliConsoles(console, console), environment);

    public static Command Create(CliConsoles consoles, LabEnvironment environment)
    {
        var cluster = new ClusterOptions("Check the cluster of the kubeconfig's current context instead of the local run");
        var url = OptionValues.Url("--url", "Send the orders to this gateway [default: the local run's gateway; on a cluster a port-forward to a gateway pod that verify opens itself]");
        var tempo = OptionValues.Url("--tempo-url", "Tempo's HTTP address (e.g. http://localhost:3200), to check that one order's trace spans all five services");
        var orders = OptionValues.Count("--orders", $"How many orders to send [default: {LoadPlan.DefaultOrders}]", 1, 10_000);
        var interval = OptionValues.Duration("--interval", "Pause after each order, as the guide's loop sleeps [default: 1s]");
        var since = OptionValues.Duration("--since", "How far back a cluster's logs are searched for error lines [default: 2m]; implies --cluster");
        var output = OutputFormat.Create();
        var name = RunSelection.NameOption();

        var command = new Command("verify", "Check that CloudMart is healthy, as the guide's final checklist asks: processes or pods up, no restarts, endpoints, 20 orders under 2 s, no errors in the logs, resources, traces. Exits 0 only when every check passes.")
        {
            url, tempo, orders, interval, since, name, output.Format, output.JsonAlias,
        };
        foreach (var option in cluster.All.Reverse())
        {
            command.Options.Insert(0, option);
        }
        command.Validators.Add(result =>
        {
            cluster.Validate(result);
            if (result.TryGet(interval, out var pause) && pause is { } p && p > LoadPlan.MaxInterval)
            {
                result.AddError($"--interval must be at most {LoadPlan.Describe(LoadPlan.MaxInterval)}, not '{LoadPlan.Describe(p)}'.");
            }
            if (result.TryGet(since, out var window) && window is { } w && (w < TimeSpan.FromSeconds(1) || w > TimeSpan.FromDays(1)))
            {
                result.AddError($"--since must be from 1s to 24h, not '{LoadPlan.Describe(w)}'.");
            }
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var target = cluster.Target(parse, Environment.CurrentDirectory);
            var settings = new VerifySettings
            {
                // The log window only applies to a cluster, so it asks for one as the cluster options do.
                Cluster = cluster.Wanted(parse.CommandResult) || parse.GetValue(since) is not null,
                Kubeconfig = target.Kubeconfig,
                Context = target.Context,
                Namespace = target.Namespace ?? ServiceCatalog.Namespace,
                Orders = new OrderCheckOptions
                {
                    GatewayUrl = parse.GetValue(url),
                    TempoUrl = parse.GetValue(tempo),
                    Count = parse.GetValue(orders) ?? LoadPlan.DefaultOrders,
                    Interval = parse.GetValue(interval) ?? LoadPlan.DefaultInterval,
                },
                Since = parse.GetValue(since) ?? TimeSpan.FromMinutes(2),
                Json = output.IsJson(parse),
                RunName = parse.GetValue(name),
            };
            using var signals = ShutdownSignals.Listen(cancellationToken);
            return (int)await RunAsync(settings, consoles, environment, signals.Token);
        });
        return command;
    }

    /// <summary>Runs the checks; each result and the verdict go to <see cref="CliConsoles.Out"/>, what is being checked and errors to <see cref="CliConsoles.Error"/>.</summary>
    public static async Task<ExitCodes> RunAsync(VerifySettings settings, CliConsoles consoles, LabEnvironment environment, CancellationToken stop)
    {
        var console = consoles.Out;
        var planned = settings.Cluster ? PlanCluster(settings, consoles) : PlanLocal(settings, consoles, environment);
        if (planned.Failed is { } failed)
        {
            return failed;
        }
        var (target, steps) = (planned.Target!, planned.Steps!);

        VerifyReport report;
        try
        {
            report = await CheckAsync(target, steps, settings.Json, consoles, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            if (!settings.Json)
            {
                consoles.Error.MarkupLine("Interrupted; nothing was changed.");
            }
            return ExitCodes.Interrupted;
        }

        if (settings.Json)
        {
            console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(report.ToJson(), VerificationJson.Default.VerifyJson));
        }
        else
        {
            ShowVerdict(report, console);
        }
        return report.TargetMissing ? ExitCodes.TargetUnreachable
            : report.Passed ? ExitCodes.Success
            : ExitCodes.ChecksFailed;
    }

    /// <summary>
    /// Runs the checks: silently when <paramref name="quiet"/> (for a JSON answer), else with the
    /// target and progress on <see cref="CliConsoles.Error"/> and each result on <see cref="CliConsoles.Out"/> as it is known.
    /// </summary>
    internal static Task<VerifyReport> CheckAsync(string target, IReadOnlyList<VerifyStep> steps, bool quiet, CliConsoles consoles, CancellationToken stop)
    {
        if (quiet)
        {
            return VerifyReport.RunAsync(target, steps, cancellationToken: stop);
        }
        consoles.Error.MarkupLineInterpolated($"Verifying [bold]{target}[/]");
        return RunShownAsync(target, steps, consoles, stop);
    }

    /// <summary>The checks of <c>verify --cluster</c> for the cluster and namespace of <paramref name="settings"/>.</summary>
    /// <exception cref="ClusterAccessException">The kubeconfig or its context cannot be used.</exception>
    internal static ClusterVerification ClusterChecks(VerifySettings settings)
    {
        var access = ClusterConnection.Connect(settings.Kubeconfig, settings.Context);
        return new ClusterVerification(new ClusterVerifyOptions
        {
            Client = access.Client,
            ClusterName = access.Name,
            Namespace = settings.Namespace,
            Orders = settings.Orders,
            LogWindow = settings.Since,
        });
    }

    /// <summary>The names of the checks that keep <paramref name="report"/> from passing: failed, or not run.</summary>
    internal static IReadOnlyList<string> NotPassed(VerifyReport report) =>
        [.. report.Checks.Where(c => c.Outcome is CheckOutcome.Failed or CheckOutcome.NotRun).Select(c => c.Name)];

    static (string? Target, IReadOnlyList<VerifyStep>? Steps, ExitCodes? Failed) PlanCluster(VerifySettings settings, CliConsoles consoles)
    {
        try
        {
            var verification = ClusterChecks(settings);
            return (verification.Target, verification.Steps, null);
        }
        catch (ClusterAccessException ex)
        {
            return (null, null, Unreachable(consoles, settings, $"namespace {settings.Namespace} of a cluster", ex.Message));
        }
    }

    static (string? Target, IReadOnlyList<VerifyStep>? Steps, ExitCodes? Failed) PlanLocal(VerifySettings settings, CliConsoles consoles, LabEnvironment environment)
    {
        var run = environment.Runs.Choose(settings.RunName, out var ambiguous);
        if (ambiguous is not null)
        {
            consoles.Error.Profile.Out.Writer.WriteLine($"error: {ambiguous}.");
            return (null, null, ExitCodes.UsageError);
        }
        var verification = new LocalVerification(new LocalVerifyOptions
        {
            Layout = environment.Layout(run),
            Orders = settings.Orders,
        });
        return (verification.Target, verification.Steps, null);
    }

    static ExitCodes Unreachable(CliConsoles consoles, VerifySettings settings, string target, string why)
    {
        var report = new VerifyReport(target, [new CheckResult("cluster", "The cluster's API can be used", CheckOutcome.Failed, why, [], Stops: true)]);
        if (settings.Json)
        {
            consoles.Out.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(report.ToJson(), VerificationJson.Default.VerifyJson));
        }
        else
        {
            consoles.Error.MarkupLineInterpolated($"[red]Cannot verify the cluster:[/] {why}.");
        }
        return ExitCodes.TargetUnreachable;
    }

    /// <summary>Runs each check under a spinner (on a terminal) and prints its result as soon as it is known.</summary>
    static Task<VerifyReport> RunShownAsync(string target, IReadOnlyList<VerifyStep> steps, CliConsoles consoles, CancellationToken stop)
    {
        var (console, progress) = (consoles.Out, consoles.Error);
        Func<VerifyStep, Task<CheckResult>>? spinner = progress.Profile.Capabilities.Interactive
            ? step => progress.Status().Spinner(Spinner.Known.Dots).StartAsync($"{Markup.Escape(step.Title)}...",
                context => step.RunAsync(text => context.Status($"{Markup.Escape(step.Title)}: {Markup.Escape(text)}"), stop))
            : null;
        return VerifyReport.RunAsync(target, steps, finished: result => Show(result, console), cancellationToken: stop, run: spinner);
    }

    static void Show(CheckResult result, IAnsiConsole console)
    {
        var (mark, colour) = result.Outcome switch
        {
            CheckOutcome.Passed => (console.Mark("✓", "+") + " PASS", "green"),
            CheckOutcome.Failed => (console.Mark("✗", "x") + " FAIL", "red"),
            CheckOutcome.NotAvailable => (console.Mark("–", "-") + " N/A ", "yellow"),
            _ => (console.Mark("·", ".") + " SKIP", "grey"),
        };
        console.MarkupLine($"[{colour}]{mark}[/]  [bold]{Markup.Escape(result.Title)}[/]: {Markup.Escape(result.Summary)}");
        foreach (var line in result.Evidence)
        {
            console.MarkupLine($"        [grey]{Markup.Escape(line)}[/]");
        }
    }

    internal static void ShowVerdict(VerifyReport report, IAnsiConsole console)
    {
        console.WriteLine();
        var failed = report.Checks.Where(c => c.Outcome == CheckOutcome.Failed).Select(c => c.Name).ToList();
        var unavailable = report.Checks.Where(c => c.Outcome == CheckOutcome.NotAvailable).Select(c => c.Name).ToList();
        var passed = report.Count(CheckOutcome.Passed);
        var note = unavailable.Count > 0 ? $" ({string.Join(", ", unavailable)}: not available here)" : "";
        if (report.Passed)
        {
            console.MarkupLineInterpolated($"[green]All {passed} checks passed[/]{note}: CloudMart is healthy.");
        }
        else if (report.TargetMissing)
        {
            console.MarkupLineInterpolated($"[red]Nothing to verify:[/] {report.Checks.First(c => c.Stops).Summary}.");
        }
        else
        {
            console.MarkupLineInterpolated($"[red]{failed.Count} of {report.Checks.Count} checks failed[/]: {string.Join(", ", failed)}{note}.");
        }
    }
}
