using System.CommandLine.Parsing;
using System.Globalization;
using CloudMart.Cluster;
using CloudMart.Diagnosis;
using CloudMart.Diagnosis.Live;
using CloudMart.Manifests;
using CloudMart.Verification.Checks;
using CloudMart.Verification.Cluster;

namespace CloudMart.Cli.Commands;

/// <summary>
/// <c>cloudmart diagnose [FOLDER] [--cluster]</c>: finds what is wrong with a manifests folder or
/// a running cluster and explains each problem (symptom, root cause, impact, fix, exact location);
/// <c>--grade</c> says how many of the lab's faults are fixed: the shipped ones, or with
/// <c>--seed N</c> (or <c>--fault ID ...</c>) those of that incident, plus anything new that is broken.
/// </summary>
public static class DiagnoseCommand
{
    public static readonly Argument<string?> FolderArgument = new("FOLDER")
    {
        Description = "A folder of Kubernetes manifests to diagnose without a cluster, such as k8s/day-4/broken-production",
        Arity = ArgumentArity.ZeroOrOne,
    };

    public static readonly Option<bool> GradeOption = new("--grade")
    {
        Description = "Grade instead of explain: print 'N of M faults fixed' with the state of each graded fault (the shipped ones, or the incident's with --seed or --fault) and the new problems; exit 0 only when all are fixed",
    };

    public static readonly Option<bool> JsonOption = new("--json")
    {
        Description = "Print the diagnosis as JSON (findings, notes, each fault's state) instead of tables",
    };

    public static readonly Option<bool> VerifyOption = new("--verify")
    {
        Description = "With --grade on a cluster: also run verify's checks on the same namespace (the orders through the gateway among them) and count them: exit 0 only when every graded fault is fixed and verify passes; with --seed or --fault, -o json puts the result in the report's verify",
    };

    public static Command Create(IAnsiConsole console, DiagnoseEnvironment environment) => Create(new CliConsoles(console, console), environment);

    public static Command Create(CliConsoles consoles, DiagnoseEnvironment environment)
    {
        var cluster = new ClusterOptions("Diagnose the running cluster instead of a folder: pods, endpoints, events, logs and the live Deployments and Services");
        var command = new Command("diagnose", "Find what is wrong with a manifests folder or a cluster, and explain each problem: symptom, root cause, impact, fix and exact location.")
        {
            FolderArgument, GradeOption, JsonOption,
        };
        foreach (var option in cluster.All)
        {
            command.Options.Insert(command.Options.Count - 2, option);
        }
        var output = OutputFormat.Create();
        command.Options.Add(output.Format);
        var incident = new IncidentOptions();
        incident.Seed.Description = "With --grade: grade the incident lab new wrote with this seed (and --faults) instead of the shipped faults; -o json then writes the report to hand in";
        incident.Fault.Description = "With --grade: grade the incident of exactly these faults (repeatable), as lab new --fault wrote it";
        command.Options.Add(incident.Seed);
        command.Options.Add(incident.Count);
        command.Options.Add(incident.Fault);
        var hint = OptionValues.Count("--hint", "Hints instead of answers, per finding: 1 the symptom and what to look at, 2 adds the cause and the exact spot, 3 adds the fix", 1, DiagnoseHints.MaxLevel);
        hint.HelpName = "level";
        command.Options.Add(hint);
        command.Options.Add(VerifyOption);
        command.Validators.Add(result => Validate(result, cluster, output, incident, environment));
        command.SetAction(async (parse, cancellationToken) =>
            (int)await RunAsync(Settings(parse, cluster, output, incident, hint, environment), consoles, environment, cancellationToken));
        return command;
    }

    /// <summary>The command line's own problems: a FOLDER and a cluster, an incident without --grade, a seed or fault the catalog does not have.</summary>
    static void Validate(CommandResult result, ClusterOptions cluster, OutputFormat output, IncidentOptions incident, DiagnoseEnvironment environment)
    {
        if (result.GetValue(VerifyOption) && VerifyProblem(result, cluster, output, incident) is { } verifyProblem)
        {
            result.AddError(verifyProblem);
            return;
        }
        var folder = result.GetValue(FolderArgument);
        if (folder is not null && cluster.Wanted(result))
        {
            var clusterOption = result.GetValue(cluster.Cluster) ? "--cluster" : $"{cluster.ImplyingOption(result)} (a cluster option)";
            result.AddError($"give either a FOLDER ('{folder}') or {clusterOption}, not both.");
        }
        else if (folder is null && !cluster.Wanted(result))
        {
            result.AddError("give a FOLDER of manifests (for example k8s/day-4/broken-production) or --cluster.");
        }
        cluster.Validate(result);
        if (!result.TryGet(incident.Seed, out var seed) || !result.TryGet(incident.Count, out var count))
        {
            return;
        }
        var faults = result.GetValue(incident.Fault) ?? [];
        if (seed is null && faults.Length == 0)
        {
            if (count is not null)
            {
                result.AddError($"--faults '{count}' sizes a seeded incident: add --seed N.");
            }
            return;
        }
        if (!result.GetValue(GradeOption))
        {
            result.AddError($"{(seed is not null ? $"--seed '{seed}'" : $"--fault '{faults[0]}'")} names an incident to grade: add --grade.");
            return;
        }
        if (IncidentOptions.Catalog(environment.RepositoryRoot, out var problem) is not { } catalog)
        {
            result.AddError(problem! + ".");
            return;
        }
        if (IncidentOptions.Resolve(catalog, seed, count, faults, out problem) is null && problem is not null)
        {
            result.AddError(problem + ".");
        }
    }

    /// <summary>The settings a valid command line asks for (the incident resolved to its faults).</summary>
    static DiagnoseSettings Settings(ParseResult parse, ClusterOptions cluster, OutputFormat output, IncidentOptions incident, Option<int?> hint, DiagnoseEnvironment environment)
    {
        var target = cluster.Target(parse, environment.WorkingDirectory);
        var settings = new DiagnoseSettings
        {
            Folder = parse.GetValue(FolderArgument),
            Cluster = cluster.Wanted(parse.CommandResult),
            Kubeconfig = target.Kubeconfig,
            Context = target.Context,
            Namespace = target.Namespace ?? ServiceCatalog.Namespace,
            Grade = parse.GetValue(GradeOption),
            Json = parse.GetValue(JsonOption) || parse.GetValue(output.Format) == "json",
            Hint = parse.GetValue(hint),
            Verify = parse.GetValue(VerifyOption),
        };
        var seed = parse.GetValue(incident.Seed);
        var faults = parse.GetValue(incident.Fault) ?? [];
        if (seed is not null || faults.Length > 0)
        {
            var chosen = IncidentOptions.Resolve(IncidentOptions.Catalog(environment.RepositoryRoot, out _)!, seed, parse.GetValue(incident.Count), faults, out _)!;
            settings = settings with { Seed = chosen.Seed, Incident = [.. chosen.Faults.Select(f => f.Id)] };
        }
        return settings;
    }

    /// <summary>Why <c>--verify</c> cannot be done as the command line stands, or null: it adds a cluster's checks to a grade, and its JSON goes into an incident's report.</summary>
    static string? VerifyProblem(CommandResult result, ClusterOptions cluster, OutputFormat output, IncidentOptions incident)
    {
        if (!result.GetValue(GradeOption))
        {
            return "--verify adds verify's checks to a grade: add --grade.";
        }
        if (result.GetValue(FolderArgument) is { } folder && !cluster.Wanted(result))
        {
            return $"--verify checks a running cluster, and FOLDER '{folder}' is manifests: grade --cluster (or run cloudmart verify on the local run).";
        }
        var json = result.GetValue(JsonOption) || result.GetValue(output.Format) == "json";
        var keyed = (result.TryGet(incident.Seed, out var seed) && seed is not null) || (result.GetValue(incident.Fault) ?? []).Length > 0;
        return json && !keyed
            ? "--verify with -o json fills the verify field of an incident's report: add --seed N or --fault ID."
            : null;
    }

    public static Task<ExitCodes> RunAsync(DiagnoseSettings settings, IAnsiConsole console, DiagnoseEnvironment environment, CancellationToken cancellationToken) =>
        RunAsync(settings, new CliConsoles(console, console), environment, cancellationToken);

    /// <summary>Diagnoses, prints the report (tables or JSON) on <see cref="CliConsoles.Out"/> and returns the exit code; a diagnosis that could not run is told on <see cref="CliConsoles.Error"/>.</summary>
    public static async Task<ExitCodes> RunAsync(DiagnoseSettings settings, CliConsoles consoles, DiagnoseEnvironment environment, CancellationToken cancellationToken)
    {
        var (diagnosis, failed) = await DiagnoseAsync(settings, consoles, environment, cancellationToken);
        return diagnosis is { } report ? await ShowAsync(report, settings, consoles, environment, cancellationToken) : failed;
    }

    /// <summary>The diagnosis of the folder or the cluster; null and the exit code when it could not be made (told).</summary>
    static async Task<(DiagnosisReport? Report, ExitCodes Failed)> DiagnoseAsync(DiagnoseSettings settings, CliConsoles consoles, DiagnoseEnvironment environment, CancellationToken cancellationToken)
    {
        try
        {
            return (settings.Cluster
                ? await ClusterDiagnosis.RunAsync(new ClusterTarget(DiagnoseOutput.Absolute(settings.Kubeconfig, environment), settings.Context, settings.Namespace),
                    environment.RepositoryRoot, cancellationToken)
                : FolderDiagnosis.Run(DiagnoseOutput.Absolute(settings.Folder, environment)!), ExitCodes.Success);
        }
        catch (ManifestLoadException ex)
        {
            Fail(consoles, settings, "bad-manifests", $"cannot diagnose {DiagnoseOutput.Shown(settings.Folder!, environment)}: {DiagnoseOutput.Relative(ex.Message, environment)}.");
            return (null, ExitCodes.BadManifests);
        }
        catch (ClusterAccessException ex)
        {
            Fail(consoles, settings, "cluster-unreachable", $"cannot read the cluster: {ex.Message}.");
            return (null, ExitCodes.ClusterUnreachable);
        }
    }

    /// <summary>Shows the report as asked (JSON, the grade, hints or the explanation), runs verify when asked, and gives the exit code.</summary>
    static async Task<ExitCodes> ShowAsync(DiagnosisReport report, DiagnoseSettings settings, CliConsoles consoles, DiagnoseEnvironment environment, CancellationToken cancellationToken)
    {
        var console = consoles.Out;
        if (settings.Incident is { } key)
        {
            report = report.GradedAgainst(key);
        }
        VerifyReport? verified = null;
        if (settings.Verify && settings.Json)
        {
            if (await VerifyAsync(settings, consoles, environment, cancellationToken) is not { } run)
            {
                return ExitCodes.ClusterUnreachable;
            }
            verified = run;
        }
        if (settings.Json && settings.Grade && settings.Incident is not null)
        {
            var outcome = verified is null ? null : new VerifyOutcome(verified.Passed, VerifyCommand.NotPassed(verified));
            console.Profile.Out.Writer.WriteLine(GradeReport.From(report, settings.Seed, settings.Incident, settings.GradedAt ?? DateTimeOffset.UtcNow, outcome).Serialize());
        }
        else if (settings.Json)
        {
            console.Profile.Out.Writer.WriteLine(DiagnosisJson.Serialize(report));
        }
        else if (settings.Grade)
        {
            DiagnoseOutput.WriteGrade(console, report, environment, settings);
            if (settings.Verify)
            {
                console.WriteLine();
                if (await VerifyAsync(settings, consoles, environment, cancellationToken) is not { } run)
                {
                    return ExitCodes.ClusterUnreachable;
                }
                VerifyCommand.ShowVerdict(run, console);
                verified = run;
            }
        }
        else if (settings.Hint is { } level)
        {
            DiagnoseHints.Write(console, report, level);
        }
        else
        {
            DiagnoseOutput.WriteDiagnosis(console, report, environment);
        }
        var passed = settings.Grade ? report.FaultsFixed == report.FaultsTotal && verified?.Passed != false : report.Findings.Count == 0;
        return passed ? ExitCodes.Success : ExitCodes.ProblemsFound;
    }

    /// <summary>verify --cluster's checks on the diagnosed namespace, as verify runs them (shown unless the answer is JSON); null, told, when the cluster cannot be used.</summary>
    static async Task<VerifyReport?> VerifyAsync(DiagnoseSettings settings, CliConsoles consoles, DiagnoseEnvironment environment, CancellationToken cancellationToken)
    {
        ClusterVerification checks;
        try
        {
            checks = VerifyCommand.ClusterChecks(new VerifySettings
            {
                Cluster = true,
                Kubeconfig = DiagnoseOutput.Absolute(settings.Kubeconfig, environment),
                Context = settings.Context,
                Namespace = settings.Namespace,
                Orders = settings.VerifyOrders,
            });
        }
        catch (ClusterAccessException ex)
        {
            Fail(consoles, settings, "cluster-unreachable", $"cannot verify the cluster: {ex.Message}.");
            return null;
        }
        return await VerifyCommand.CheckAsync(checks.Target, checks.Steps, settings.Json, consoles, cancellationToken);
    }

    static void Fail(CliConsoles consoles, DiagnoseSettings settings, string kind, string message)
    {
        if (settings.Json)
        {
            // A script asked for one JSON document on stdout, and the error is its answer.
            consoles.Out.Profile.Out.Writer.WriteLine(DiagnosisJson.Serialize(new DiagnosisError(message, kind)));
            return;
        }
        consoles.Error.MarkupLineInterpolated($"[red]error:[/] {message}");
    }
}
