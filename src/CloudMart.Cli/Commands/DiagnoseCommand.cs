using System.CommandLine.Parsing;
using System.Globalization;
using CloudMart.Cluster;
using CloudMart.Diagnosis;
using CloudMart.Diagnosis.Live;
using CloudMart.Manifests;
using CloudMart.Verification.Checks;
using CloudMart.Verification.Cluster;

namespace CloudMart.Cli.Commands;

/// <summary>What <c>diagnose</c> was asked for, from its arguments and options.</summary>
public sealed record DiagnoseSettings
{
    /// <summary>The manifests folder to diagnose; null with <see cref="Cluster"/>.</summary>
    public string? Folder { get; init; }

    public bool Cluster { get; init; }

    public string? Kubeconfig { get; init; }

    public string? Context { get; init; }

    public string Namespace { get; init; } = ServiceCatalog.Namespace;

    public bool Grade { get; init; }

    public bool Json { get; init; }

    /// <summary>With <c>--seed</c> or <c>--fault</c>: the incident's seed (null for one given fault by fault).</summary>
    public long? Seed { get; init; }

    /// <summary>With <c>--seed</c> or <c>--fault</c>: the ids of the incident to grade against; null grades the shipped faults.</summary>
    public IReadOnlyList<int>? Incident { get; init; }

    /// <summary>When the grade was made, for the hand-in report; now when null.</summary>
    public DateTimeOffset? GradedAt { get; init; }

    /// <summary>With <c>--hint N</c>: how much of each finding to tell (1 to 3); null for the full report.</summary>
    public int? Hint { get; init; }

    /// <summary>With <c>--grade --cluster --verify</c>: run verify's cluster checks on the same namespace too, and count them in the grade.</summary>
    public bool Verify { get; init; }

    /// <summary>The orders <c>--verify</c> tries: verify's defaults (tests send fewer).</summary>
    public OrderCheckOptions VerifyOrders { get; init; } = new();
}

/// <summary>The machine as <c>diagnose</c> sees it; tests describe another one.</summary>
public sealed record DiagnoseEnvironment
{
    /// <summary>The CloudMart checkout the tool runs from, for the build script's image list in a cluster diagnosis; null outside one.</summary>
    public string? RepositoryRoot { get; init; }

    /// <summary>The folder paths are shown relative to.</summary>
    public required string WorkingDirectory { get; init; }

    public static DiagnoseEnvironment FromMachine() => new()
    {
        RepositoryRoot = LabRepository.Locate(AppContext.BaseDirectory)?.Root,
        WorkingDirectory = Environment.CurrentDirectory,
    };
}

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
        command.Validators.Add(result =>
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
        });
        command.SetAction(async (parse, cancellationToken) =>
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
            return (int)await RunAsync(settings, consoles, environment, cancellationToken);
        });
        return command;
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
        var console = consoles.Out;
        DiagnosisReport report;
        try
        {
            report = settings.Cluster
                ? await ClusterDiagnosis.RunAsync(new ClusterTarget(Absolute(settings.Kubeconfig, environment), settings.Context, settings.Namespace),
                    environment.RepositoryRoot, cancellationToken)
                : FolderDiagnosis.Run(Absolute(settings.Folder, environment)!);
        }
        catch (ManifestLoadException ex)
        {
            Fail(consoles, settings, "bad-manifests", $"cannot diagnose {Shown(settings.Folder!, environment)}: {Relative(ex.Message, environment)}.");
            return ExitCodes.BadManifests;
        }
        catch (ClusterAccessException ex)
        {
            Fail(consoles, settings, "cluster-unreachable", $"cannot read the cluster: {ex.Message}.");
            return ExitCodes.ClusterUnreachable;
        }

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
            WriteGrade(console, report, environment, settings);
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
            WriteDiagnosis(console, report, environment);
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
                Kubeconfig = Absolute(settings.Kubeconfig, environment),
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

    static void WriteDiagnosis(IAnsiConsole console, DiagnosisReport report, DiagnoseEnvironment environment)
    {
        console.MarkupLineInterpolated($"[bold]Diagnosis of {Title(report, environment)}[/]");
        if (report.Findings.Count > 0)
        {
            var rows = new List<IReadOnlyList<string>> { new[] { "Fault", "Resource", "Field", "Value", "Expected", "Fix" } };
            rows.AddRange(report.Findings.Select(finding => new[]
            {
                FaultCell(finding),
                finding.Location.FileAndLine is { } file ? $"{finding.Location.Resource}\n{file}" : finding.Location.Resource,
                finding.Location.Field ?? "",
                finding.Value ?? "(not set)",
                finding.Expected ?? "",
                finding.Fix,
            }));
            if (!TextWrap.Fits(console, rows))
            {
                // Too narrow for six columns of whole words: the expected value and the fix are in each finding's details below.
                rows = [.. rows.Select(r => (IReadOnlyList<string>)[.. r.Take(4)])];
            }
            var table = TextWrap.Table(console, rows, (row, column, cell) => column == 0 ? $"[{FaultColour(report.Findings[row])}]{cell}[/]" : cell);
            console.Write(table);
            for (var i = 0; i < report.Findings.Count; i++)
            {
                WriteDetails(console, i + 1, report.Findings[i]);
            }
        }
        console.WriteLine();
        foreach (var note in report.Notes)
        {
            console.MarkupLineInterpolated($"[grey]note: {note}[/]");
        }
        var faults = report.Findings.Where(f => f.Fault is not null).Select(f => f.Fault!.Value).Distinct().Order().ToList();
        var others = report.Findings.Count(f => f.Fault is null);
        if (report.Findings.Count == 0)
        {
            console.MarkupLine("[green]No problem found.[/]");
        }
        else
        {
            console.MarkupLineInterpolated(
                $"[red]{Count(report.Findings.Count, "problem")} found[/]: {Count(faults.Count, "lab fault")}{(faults.Count == 0 ? "" : $" ({string.Join(", ", faults)})")} and {Count(others, "other problem")}.");
        }
    }

    const int DetailIndent = 3 + 10 + 2;

    static void WriteDetails(IAnsiConsole console, int index, Finding finding)
    {
        console.WriteLine();
        var heading = finding.Fault is { } number ? $"Fault {number}: {LabFaults.Get(number).Title}" : $"{(finding.Severity == Severity.Error ? "Problem" : "Warning")}: {finding.Summary}";
        console.MarkupLineInterpolated($"[bold]{index}. {heading}[/]");
        var location = string.Join("  ", new[] { finding.Location.FileAndLine, finding.Location.Resource, finding.Location.Field }.Where(p => !string.IsNullOrEmpty(p)));
        var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadLeft(3).PadRight(2)).AddColumn(new GridColumn().PadRight(0));
        // The label column is 3 + "Root cause" + 2 wide; the text gets the rest of the line.
        var room = console.Profile.Width - DetailIndent;
        void Row(string label, string text) => grid.AddRow(new Text(label), new Text(TextWrap.Wrap(text, room)));
        Row("Where", location);
        if (finding.Fault is not null)
        {
            Row("Found", finding.Summary);
        }
        Row("Value", $"{finding.Value ?? "(not set)"}   expected: {finding.Expected ?? "-"}");
        Row("Symptom", finding.Symptom);
        Row("Root cause", finding.RootCause);
        Row("Impact", finding.Impact);
        Row("Fix", finding.Fix);
        foreach (var (evidence, i) in finding.Evidence.Select((e, i) => (e, i)))
        {
            Row(i == 0 ? "Evidence" : "", "- " + evidence);
        }
        console.Write(grid);
    }

    static void WriteGrade(IAnsiConsole console, DiagnosisReport report, DiagnoseEnvironment environment, DiagnoseSettings settings)
    {
        var against = settings.Incident is null ? "" : settings.Seed is { } seed ? $" against seed {seed}" : $" against faults {string.Join(", ", settings.Incident)}";
        console.MarkupLineInterpolated($"[bold]Grading {Title(report, environment)}{against}[/]");
        var table = new Table().Boxed(console)
            .AddColumn(new TableColumn("#").RightAligned()).AddColumn("Fault").AddColumn("State").AddColumn("Detail");
        foreach (var fault in report.Faults)
        {
            var state = fault.State switch
            {
                FaultState.Fixed => "[green]fixed[/]",
                FaultState.Present => settings.Incident is null ? "[red]still present[/]" : "[red]still broken[/]",
                _ => "[yellow]not checked[/]",
            };
            table.AddRow(fault.Number.ToString(CultureInfo.InvariantCulture), Markup.Escape(fault.Title), state,
                Markup.Escape(fault.State == FaultState.Fixed && fault.Detail == DiagnosisReport.FixedDetail ? "" : fault.Detail));
        }
        console.Write(table);
        if (settings.Incident is { } key)
        {
            var added = report.Findings.Where(f => f.Fault is not { } n || !key.Contains(n)).ToList();
            foreach (var problem in added)
            {
                console.MarkupLineInterpolated($"[red]new problem[/]: {problem.Summary}{(problem.Fault is { } n ? $" (catalog fault {n}, not part of this incident)" : "")}");
            }
        }
        else if (report.Findings.Count(f => f.Fault is null) is var others && others > 0)
        {
            console.MarkupLineInterpolated($"Also {Count(others, "other problem")}, none of them a lab fault; run without --grade to see them.");
        }
        var color = report.FaultsFixed == report.FaultsTotal ? "green" : "red";
        console.MarkupLine($"[{color}]{report.FaultsFixed} of {report.FaultsTotal} faults fixed[/]");
    }

    static string FaultCell(Finding finding) => finding.Fault is { } number
        ? number.ToString(CultureInfo.InvariantCulture)
        : finding.Severity == Severity.Error ? "-" : "warn";

    static string FaultColour(Finding finding) => finding.Fault is null && finding.Severity != Severity.Error ? "yellow" : "red";

    static string Title(DiagnosisReport report, DiagnoseEnvironment environment) =>
        report.Mode == DiagnosisMode.Folder ? $"{Shown(report.Target, environment)} (folder)" : $"{report.Target} (cluster)";

    static string Count(int count, string noun) => $"{count} {noun}{(count == 1 ? "" : "s")}";

    static string? Absolute(string? path, DiagnoseEnvironment environment) =>
        path is null ? null : Path.GetFullPath(path, environment.WorkingDirectory);

    /// <summary>A path relative to the working folder when it is under it, so it reads short.</summary>
    static string Shown(string path, DiagnoseEnvironment environment)
    {
        var full = Path.GetFullPath(path, environment.WorkingDirectory);
        var relative = Path.GetRelativePath(environment.WorkingDirectory, full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative;
    }

    /// <summary>The message with the working folder's absolute path taken out of it, as the user typed the paths.</summary>
    static string Relative(string message, DiagnoseEnvironment environment) =>
        message.Replace(environment.WorkingDirectory.TrimEnd('/') + "/", "", StringComparison.Ordinal);

}
