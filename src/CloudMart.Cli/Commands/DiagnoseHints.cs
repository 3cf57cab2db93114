using CloudMart.Diagnosis;

namespace CloudMart.Cli.Commands;

/// <summary>
/// <c>diagnose --hint N</c>: the findings told a little at a time, for a learner who wants a nudge
/// rather than the answer. Level 1 gives the symptom and the object to look at; level 2 adds the
/// root cause and the exact spot; level 3 adds the value, the expected one and the fix. The full
/// report (no <c>--hint</c>) stays for trainers.
/// </summary>
public static class DiagnoseHints
{
    public const int MaxLevel = 3;

    public static void Write(IAnsiConsole console, DiagnosisReport report, int level)
    {
        if (report.Findings.Count == 0)
        {
            console.MarkupLine("[green]No problem found.[/]");
            return;
        }
        console.MarkupLineInterpolated($"[bold]{report.Findings.Count} problem{(report.Findings.Count == 1 ? "" : "s")} found. Hints at level {level} of {MaxLevel}:[/]");
        for (var i = 0; i < report.Findings.Count; i++)
        {
            var finding = report.Findings[i];
            console.WriteLine();
            // The fault's number and title would name the answer, so level 1 and 2 do not show them.
            var heading = level == MaxLevel && finding.Fault is { } fault ? $"lab fault {fault}" : finding.Severity == Severity.Error ? "a problem" : "a warning";
            console.MarkupLineInterpolated($"[bold]{i + 1}. {heading}[/]");
            Line(console, "Symptom", finding.Symptom);
            Line(console, "Look at", finding.Location.Resource + (finding.Service is { } service ? $" ({service})" : ""));
            if (level >= 2)
            {
                Line(console, "Where", string.Join("  ", new[] { finding.Location.FileAndLine, finding.Location.Field }.Where(p => !string.IsNullOrEmpty(p))));
                Line(console, "Root cause", finding.RootCause);
            }
            if (level >= 3)
            {
                Line(console, "Value", $"{finding.Value ?? "(not set)"}   expected: {finding.Expected ?? "-"}");
                Line(console, "Fix", finding.Fix);
            }
        }
        console.WriteLine();
        if (level < MaxLevel)
        {
            console.MarkupLineInterpolated($"More with --hint {level + 1}; everything without --hint.");
        }
    }

    static void Line(IAnsiConsole console, string label, string text)
    {
        if (!string.IsNullOrWhiteSpace(text))
        {
            // A hanging indent under the label, broken between words and the parts of paths.
            var indent = new string(' ', 3 + 11);
            var lines = TextWrap.Lines(text, console.Profile.Width - indent.Length);
            console.Profile.Out.Writer.WriteLine($"   {label,-11}{string.Join("\n" + indent, lines)}");
        }
    }
}
