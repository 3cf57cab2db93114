using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CloudMart.Incidents;

namespace CloudMart.Cli.Commands;

/// <summary>One catalog fault as <c>lab faults -o json</c> lists it: what and where, never the fix.</summary>
public sealed record CatalogRow(int Id, string Title, string Component, string Kind, string Where, bool Shipped, bool Local, IReadOnlyList<int> Excludes);

/// <summary><c>cloudmart lab faults [-o json]</c>: the catalog's faults (id, title, where), without their fixes.</summary>
public static class LabFaultsCommand
{
    public static Command Create(CliConsoles consoles, DiagnoseEnvironment environment)
    {
        var output = OutputFormat.Create("Print the catalog as JSON (and nothing else); the same as -o json");
        var command = new Command("faults", "List the incident catalog: each fault's id, title, component and the file it is in (no fixes). 'shipped' marks the guide's faults, which broken-production holds.");
        foreach (var option in output.All)
        {
            command.Options.Add(option);
        }
        command.SetAction(parse =>
        {
            if (IncidentOptions.Catalog(environment.RepositoryRoot, out var problem) is not { } catalog)
            {
                consoles.Error.Profile.Out.Writer.WriteLine($"error: {problem}.");
                return (int)ExitCodes.Error;
            }
            var rows = catalog.Faults.Select(f => new CatalogRow(f.Id, f.Title, f.Component, f.Kind == FaultKind.Code ? "code" : "manifest", f.Where, f.Shipped,
                f.Local is not null, f.Excludes)).ToList();
            if (output.IsJson(parse))
            {
                consoles.Out.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(rows, LabJson.Default.ListCatalogRow));
                return (int)ExitCodes.Success;
            }
            var table = new Table().Boxed(consoles.Out).AddColumn(new TableColumn("#").RightAligned()).AddColumn("Fault").AddColumn("Where").AddColumn("Kind").AddColumn("Shipped");
            foreach (var row in rows)
            {
                table.AddRow(row.Id.ToString(CultureInfo.InvariantCulture), Markup.Escape(row.Title), Markup.Escape(row.Where), row.Kind, row.Shipped ? "yes" : "");
            }
            consoles.Out.Write(table);
            consoles.Out.MarkupLineInterpolated($"{rows.Count} faults, {rows.Count(r => r.Shipped)} of them shipped in k8s/day-4/broken-production/.");
            return (int)ExitCodes.Success;
        });
        return command;
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(List<CatalogRow>))]
[JsonSerializable(typeof(AnswerKey))]
internal sealed partial class LabJson : JsonSerializerContext;
