using System.CommandLine.Parsing;
using CloudMart.Incidents;

namespace CloudMart.Cli.Commands;

/// <summary>
/// <c>cloudmart lab new [--seed N] [--faults K] [--fault ID ...] --out DIR</c>: writes one incident
/// (the solution with its faults' patches, and the code patch its code faults need) into an empty
/// or new folder. Prints the seed and how to deploy it, never which faults it holds. With neither
/// --seed nor --fault a seed is picked at random (and printed, so the incident can be replayed).
/// </summary>
public static class LabNewCommand
{
    public static Command Create(CliConsoles consoles, DiagnoseEnvironment environment)
    {
        var options = new IncidentOptions();
        var output = new Option<string>("--out")
        {
            Description = "The folder to write the incident into; it must not exist or be empty",
            HelpName = "dir",
            Required = true,
        };
        var command = new Command("new", "Write an incident to practise on: the healthy manifests with K faults drawn by --seed (or the faults named with --fault), ready for kubectl apply -f DIR. "
            + "Without --seed or --fault, a random seed is picked and printed. The same options always write the same bytes.")
        {
            options.Seed, options.Count, options.Fault, output,
        };
        command.Validators.Add(result => Validate(result, options, output, environment));
        command.SetAction(parse =>
        {
            var catalog = IncidentOptions.Catalog(environment.RepositoryRoot, out _)!;
            var repository = new LabRepository(environment.RepositoryRoot!);
            var faults = parse.GetValue(options.Fault) ?? [];
            var given = parse.GetValue(options.Seed);
            var seed = given ?? (faults.Length == 0 ? Incident.NewSeed() : null);
            var incident = IncidentOptions.Resolve(catalog, seed, parse.GetValue(options.Count), faults, out _);
            for (var tries = 0; incident is null && given is null && tries < 100; tries++)
            {
                // A random seed whose draw runs out of combinable faults: take another one.
                seed = Incident.NewSeed();
                incident = IncidentOptions.Resolve(catalog, seed, parse.GetValue(options.Count), faults, out _);
            }
            if (incident is null)
            {
                consoles.Error.Profile.Out.Writer.WriteLine("error: no random seed drew that many faults that can be combined; give fewer with --faults.");
                return (int)ExitCodes.UsageError;
            }
            var folder = Path.GetFullPath(parse.GetValue(output)!, environment.WorkingDirectory);
            var files = IncidentGenerator.Generate(repository, catalog, incident.Faults);
            IncidentGenerator.Write(folder, files);
            Describe(consoles.Out, incident, folder, files, environment, parse.GetValue(options.Count));
            return (int)ExitCodes.Success;
        });
        return command;
    }

    /// <summary>An --out that is a file or a folder with something in it, and a seed or faults the catalog cannot draw.</summary>
    static void Validate(CommandResult result, IncidentOptions options, Option<string> output, DiagnoseEnvironment environment)
    {
        if (result.GetResult(output) is { } outResult && result.TryGet(output, out var dir) && dir is not null)
        {
            var full = Path.GetFullPath(dir, environment.WorkingDirectory);
            if (File.Exists(full))
            {
                outResult.AddError($"--out '{dir}' is a file, not a folder.");
            }
            else if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any())
            {
                outResult.AddError($"--out '{dir}' exists and is not empty; give a new or empty folder.");
            }
        }
        if (!result.TryGet(options.Seed, out var seed) || !result.TryGet(options.Count, out var count))
        {
            return;
        }
        if (IncidentOptions.Catalog(environment.RepositoryRoot, out var problem) is not { } catalog)
        {
            result.AddError(problem! + ".");
            return;
        }
        var faults = result.GetValue(options.Fault) ?? [];
        // Without --seed or --fault the seed is drawn at run time; --faults is checked against the catalog here.
        IncidentOptions.Resolve(catalog, seed ?? (faults.Length == 0 ? 0 : null), count, faults, out problem);
        if (problem is not null)
        {
            result.AddError(problem + ".");
        }
    }

    static void Describe(IAnsiConsole console, Incident incident, string folder, IReadOnlyList<IncidentFile> files, DiagnoseEnvironment environment, int? count)
    {
        var shown = Path.GetRelativePath(environment.WorkingDirectory, folder) is var relative && !relative.StartsWith("..", StringComparison.Ordinal) ? relative : folder;
        var writer = console.Profile.Out.Writer;
        var replay = incident.Seed is { } seed
            ? $"--seed {seed}{(count is { } k ? $" --faults {k}" : "")}"
            : string.Join(" ", incident.Faults.Select(f => $"--fault {f.Id}"));
        writer.WriteLine(incident.Seed is { } s ? $"seed: {s}" : "faults: as given with --fault");
        writer.WriteLine($"Wrote an incident of {incident.Faults.Count} faults to {shown} ({files.Count} files); the same command ({replay}) writes it again.");
        writer.WriteLine();
        writer.WriteLine("To stage it on a cluster:");
        var build = $"./{LabRepository.LabPath}/build-and-import.sh CLUSTER";
        if (files.Any(f => f.Name == IncidentGenerator.CodePatchName))
        {
            var patch = Path.Combine(shown, IncidentGenerator.CodePatchName);
            writer.WriteLine($"  git apply {patch}        # the code as this incident has it");
            writer.WriteLine($"  {build}");
            writer.WriteLine($"  git apply -R {patch}     # the checkout as it was");
        }
        else
        {
            writer.WriteLine($"  {build}        # the code as the repository ships it");
        }
        writer.WriteLine($"  kubectl apply -f {shown}/");
        writer.WriteLine($"Grade it with: cloudmart diagnose --cluster --grade {replay}");
    }
}
