using System.Globalization;
using System.Text.Json;
using CloudMart.Diagnosis;

namespace CloudMart.Cli.Commands;

/// <summary>
/// <c>cloudmart lab summary REPORT.json ...</c>: the class table of graded reports (the JSON of
/// <c>diagnose --grade --seed N -o json</c>), one row per report, one column per fault of any of
/// the incidents, with each row's score and each fault's total.
/// </summary>
public static class LabSummaryCommand
{
    public static Command Create(CliConsoles consoles)
    {
        var reports = new Argument<string[]>("REPORT")
        {
            Description = "The grade reports (JSON files written by diagnose --grade -o json), one per learner",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("summary", "Sum up graded reports: one row per report (named after its file), one column per fault (fixed, broken, or not checked; blank where that incident did not have it), the new problems, verify's result for reports graded with --verify, and totals per fault.")
        {
            reports,
        };
        command.Validators.Add(result =>
        {
            foreach (var file in result.GetValue(reports) ?? [])
            {
                if (Read(file, out var problem) is null)
                {
                    result.AddError(problem!);
                    return;
                }
            }
        });
        command.SetAction(parse =>
        {
            var loaded = (parse.GetValue(reports) ?? []).Select(file => (Name: Path.GetFileNameWithoutExtension(file), Report: Read(file, out _)!)).ToList();
            consoles.Out.Write(ClassTable(loaded, consoles.Out));
            return (int)ExitCodes.Success;
        });
        return command;
    }

    /// <summary>One row per report, one column per fault of any of them, then the totals row.</summary>
    static Table ClassTable(IReadOnlyList<(string Name, GradeReport Report)> loaded, IAnsiConsole console)
    {
        var faults = loaded.SelectMany(r => r.Report.Faults.Select(f => f.Number)).Distinct().Order().ToList();
        var table = new Table().Boxed(console).AddColumn("Report").AddColumn("Seed");
        foreach (var fault in faults)
        {
            table.AddColumn(new TableColumn(fault.ToString(CultureInfo.InvariantCulture)).Centered());
        }
        table.AddColumn(new TableColumn("Fixed").RightAligned()).AddColumn(new TableColumn("New problems").RightAligned());
        // Only reports graded with --verify carry a verify result; without any, the column would be empty.
        var verified = loaded.Where(r => r.Report.Verify is not null).ToList();
        if (verified.Count > 0)
        {
            table.AddColumn("Verify");
        }
        foreach (var (name, report) in loaded)
        {
            var cells = new List<string> { Markup.Escape(name), report.Seed?.ToString(CultureInfo.InvariantCulture) ?? "-" };
            cells.AddRange(faults.Select(id => report.Faults.FirstOrDefault(f => f.Number == id) is { } status ? Cell(status.State) : ""));
            cells.Add($"{report.FaultsFixed}/{report.Faults.Count}");
            cells.Add(report.NewProblems.Count(p => p.Severity == Severity.Error).ToString(CultureInfo.InvariantCulture));
            if (verified.Count > 0)
            {
                cells.Add(report.Verify switch
                {
                    null => "-",
                    { Passed: true } => "passed",
                    var failed => Markup.Escape($"failed: {string.Join(", ", failed.Failed)}"),
                });
            }
            table.AddRow(cells.ToArray());
        }
        var totals = new List<string> { "[bold]total[/]", "" };
        totals.AddRange(faults.Select(id =>
        {
            var graded = loaded.Select(r => r.Report.Faults.FirstOrDefault(f => f.Number == id)).Where(f => f is not null).ToList();
            return $"{graded.Count(f => f!.State == FaultState.Fixed)}/{graded.Count}";
        }));
        totals.Add($"{loaded.Sum(r => r.Report.FaultsFixed)}/{loaded.Sum(r => r.Report.Faults.Count)}");
        totals.Add(loaded.Sum(r => r.Report.NewProblems.Count(p => p.Severity == Severity.Error)).ToString(CultureInfo.InvariantCulture));
        if (verified.Count > 0)
        {
            totals.Add($"{verified.Count(r => r.Report.Verify!.Passed)}/{verified.Count} passed");
        }
        table.AddRow(totals.ToArray());
        return table;
    }

    static string Cell(FaultState state) => state switch
    {
        FaultState.Fixed => "fixed",
        FaultState.Present => "broken",
        _ => "n/c",
    };

    static GradeReport? Read(string file, out string? problem)
    {
        problem = null;
        try
        {
            var report = GradeReport.Parse(File.ReadAllText(file));
            if (report.Faults is null || report.NewProblems is null)
            {
                problem = $"'{file}' is not a grade report of cloudmart diagnose --grade -o json (no faults or newProblems).";
                return null;
            }
            return report;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = $"REPORT '{file}' cannot be read: {ex.Message.TrimEnd('.')}.";
        }
        catch (JsonException)
        {
            problem = $"REPORT '{file}' is not a grade report of cloudmart diagnose --grade -o json.";
        }
        return null;
    }
}
