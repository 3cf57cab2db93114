namespace CloudMart.Cli.Commands;

/// <summary>
/// <c>cloudmart lab</c>: the incident catalog (k8s/day-4/faults/) and the incidents made from it.
/// Each sub-verb is a file of its own: <see cref="LabFaultsCommand"/>, <see cref="LabNewCommand"/>,
/// <see cref="LabAnswersCommand"/>, <see cref="LabSummaryCommand"/>, <see cref="LabSyncCommand"/>.
/// </summary>
public static class LabCommand
{
    public static Command Create(CliConsoles consoles, DiagnoseEnvironment environment) =>
        new("lab", "The incident catalog: list its faults, write a seeded incident to practise on, print its answer key, sum up graded reports.")
        {
            LabFaultsCommand.Create(consoles, environment),
            LabNewCommand.Create(consoles, environment),
            LabAnswersCommand.Create(consoles, environment),
            LabSummaryCommand.Create(consoles),
            LabSyncCommand.Create(consoles, environment),
        };
}
