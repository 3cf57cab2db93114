using System.Globalization;
using System.Text.Json;
using CloudMart.Incidents;

namespace CloudMart.Cli.Commands;

/// <summary>One fault of an answer key.</summary>
public sealed record AnswerRow(int Id, string Title, string Where, string Fix);

/// <summary>The answer key of a seeded incident, as <c>lab answers -o json</c> prints it.</summary>
public sealed record AnswerKey(long Seed, int Faults, IReadOnlyList<AnswerRow> Key);

/// <summary><c>cloudmart lab answers --seed N [--faults K] [-o json]</c>: the trainer's key of a seeded incident.</summary>
public static class LabAnswersCommand
{
    public static Command Create(CliConsoles consoles, DiagnoseEnvironment environment)
    {
        var options = new IncidentOptions();
        options.Seed.Required = true;
        var output = OutputFormat.Create("Print the key as JSON (and nothing else); the same as -o json");
        var command = new Command("answers", "For the trainer: the answer key of a seeded incident, each fault's id, title, where it is and its fix. Give the --seed (and --faults) that lab new was given.")
        {
            options.Seed, options.Count,
        };
        foreach (var option in output.All)
        {
            command.Options.Add(option);
        }
        command.Validators.Add(result =>
        {
            if (!result.TryGet(options.Seed, out var seed) || !result.TryGet(options.Count, out var count) || seed is null)
            {
                return;
            }
            if (IncidentOptions.Catalog(environment.RepositoryRoot, out var problem) is not { } catalog)
            {
                result.AddError(problem! + ".");
                return;
            }
            if (Incident.FromSeed(catalog, seed.Value, count, out problem) is null)
            {
                result.AddError(problem + ".");
            }
        });
        command.SetAction(parse =>
        {
            var catalog = IncidentOptions.Catalog(environment.RepositoryRoot, out _)!;
            var incident = Incident.FromSeed(catalog, parse.GetValue(options.Seed)!.Value, parse.GetValue(options.Count), out _)!;
            var key = new AnswerKey(incident.Seed!.Value, incident.Faults.Count, [.. incident.Faults.Select(f => new AnswerRow(f.Id, f.Title, f.Where, f.KeyFix))]);
            if (output.IsJson(parse))
            {
                consoles.Out.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(key, LabJson.Default.AnswerKey));
                return (int)ExitCodes.Success;
            }
            consoles.Out.MarkupLineInterpolated($"[bold]Answer key of seed {key.Seed} ({key.Faults} faults)[/]");
            var table = new Table().Boxed(consoles.Out).AddColumn(new TableColumn("#").RightAligned()).AddColumn("Fault").AddColumn("Where").AddColumn("Fix");
            foreach (var row in key.Key)
            {
                table.AddRow(row.Id.ToString(CultureInfo.InvariantCulture), Markup.Escape(row.Title), Markup.Escape(row.Where), Markup.Escape(row.Fix));
            }
            consoles.Out.Write(table);
            return (int)ExitCodes.Success;
        });
        return command;
    }
}
