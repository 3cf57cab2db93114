using System.Globalization;
using CloudMart.Diagnosis;

namespace CloudMart.Cli.Commands;

/// <summary>How <c>diagnose</c> shows a report as tables (the explanation and the grade), and the paths in it as the user typed them.</summary>
static class DiagnoseOutput
{
    internal static void WriteDiagnosis(IAnsiConsole console, DiagnosisReport report, DiagnoseEnvironment environment)
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

    internal static void WriteGrade(IAnsiConsole console, DiagnosisReport report, DiagnoseEnvironment environment, DiagnoseSettings settings)
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

    internal static string? Absolute(string? path, DiagnoseEnvironment environment) =>
        path is null ? null : Path.GetFullPath(path, environment.WorkingDirectory);

    /// <summary>A path relative to the working folder when it is under it, so it reads short.</summary>
    internal static string Shown(string path, DiagnoseEnvironment environment)
    {
        var full = Path.GetFullPath(path, environment.WorkingDirectory);
        var relative = Path.GetRelativePath(environment.WorkingDirectory, full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative;
    }

    /// <summary>The message with the working folder's absolute path taken out of it, as the user typed the paths.</summary>
    internal static string Relative(string message, DiagnoseEnvironment environment) =>
        message.Replace(environment.WorkingDirectory.TrimEnd('/') + "/", "", StringComparison.Ordinal);
}
