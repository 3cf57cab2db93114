using CloudMart.Incidents;

namespace CloudMart.Cli.Commands;

/// <summary>
/// <c>cloudmart lab sync</c>, for maintainers: rewrites the repository's generated files, the
/// solution's gateway ConfigMap from nginx.conf and k8s/day-4/broken-production/ from the solution
/// and the shipped faults (k8s/day-4/generate.sh runs it). The manifest tests fail until it has run.
/// </summary>
public static class LabSyncCommand
{
    public static Command Create(CliConsoles consoles, DiagnoseEnvironment environment)
    {
        var command = new Command("sync", "For maintainers: regenerate the gateway ConfigMap of k8s/day-4/solution/ from nginx.conf and k8s/day-4/broken-production/ from the solution and the shipped faults. Run it after changing any of them.");
        command.SetAction(_ =>
        {
            if (environment.RepositoryRoot is null)
            {
                consoles.Error.Profile.Out.Writer.WriteLine("error: no CloudMart repository here: run cloudmart from inside the repository or set CLOUDMART_ROOT.");
                return (int)ExitCodes.Error;
            }
            IncidentGenerator.SyncResult result;
            try
            {
                result = IncidentGenerator.Sync(new LabRepository(environment.RepositoryRoot));
            }
            catch (Exception ex) when (ex is CatalogException or PatchException)
            {
                consoles.Error.Profile.Out.Writer.WriteLine($"error: {ex.Message}");
                return (int)ExitCodes.Error;
            }
            foreach (var path in result.Changed)
            {
                consoles.Out.Profile.Out.Writer.WriteLine($"updated {path}");
            }
            if (result.Changed.Count == 0)
            {
                consoles.Out.Profile.Out.Writer.WriteLine("everything generated is up to date");
            }
            return (int)ExitCodes.Success;
        });
        return command;
    }
}
