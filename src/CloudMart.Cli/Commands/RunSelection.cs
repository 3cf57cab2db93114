namespace CloudMart.Cli.Commands;

/// <summary>
/// <c>--name</c>, which every verb that works on a local run takes: the run to use. Without it, a
/// verb uses the only run that is up, else the default one.
/// </summary>
public static class RunSelection
{
    public static Option<string?> NameOption(string description)
    {
        var option = new Option<string?>("--name") { Description = description, HelpName = "run" };
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && LabRuns.NameProblem(result.Tokens[0].Value) is { } problem)
            {
                result.AddError($"--name '{result.Tokens[0].Value}' cannot name a run: {problem}.");
            }
        });
        return option;
    }

    public static Option<string?> NameOption() =>
        NameOption("The run to use, as 'cloudmart up --name' named it [default: the only run that is up, else 'default']");

    /// <summary>The run meant, or null after saying on <paramref name="error"/> why there is no telling which.</summary>
    public static LabRun? Choose(LabRuns runs, string? name, TextWriter error)
    {
        var run = runs.Choose(name, out var problem);
        if (problem is not null)
        {
            error.WriteLine($"error: {problem}.");
            return null;
        }
        return run;
    }
}
