using CloudMart.ServiceDefaults.Hosting;
using CloudMart.ServiceDefaults.Logging;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;

namespace CloudMart.ServiceDefaults;

/// <summary>
/// Starts a CloudMart service. Every service's Program.cs is one call to <see cref="Run"/>.
/// </summary>
public static class CloudMartHost
{
    /// <summary>
    /// Settings every service starts with. The services take their configuration from variables
    /// only, so nothing watches the content root for a changed appsettings.json: that watcher
    /// follows every file below the working folder, and in a local run the logs are written
    /// there, which cost about a fifth of the services' CPU under load.
    /// </summary>
    static readonly string[] HostArguments = ["--hostBuilder:reloadConfigOnChange=false"];

    /// <summary>
    /// Checks the service's variables, builds it and serves until stopped. A missing or malformed
    /// variable ends the start at once with one fatal log line that names it, and exit code 1.
    /// </summary>
    public static int Run(string[] args, ServiceSpec service,
        Action<WebApplicationBuilder, ServiceSettings> addServices, Action<WebApplication> mapEndpoints)
    {
        var builder = WebApplication.CreateSlimBuilder([.. args, .. HostArguments]);
        ServiceSettings settings;
        try
        {
            settings = builder.AddServiceDefaults(service);
        }
        catch (ServiceConfigurationException ex)
        {
            JsonLogLine.WriteStartFailure(Console.OpenStandardOutput(), service.Name, ex);
            return 1;
        }

        builder.UseDrainingLifetime();
        addServices(builder, settings);
        var app = builder.Build();
        app.UseServiceDefaults();
        mapEndpoints(app);
        try
        {
            app.Run();
        }
        catch (OptionsValidationException ex)
        {
            // An options class that reads a variable the catalog does not declare: a defect of the service, not of its configuration.
            JsonLogLine.WriteFatal(Console.OpenStandardOutput(), service.Name, $"FATAL: {ex.Message}. {service.Name} cannot start.",
                new Dictionary<string, string?> { [LogAttributes.Expected] = "options that bind only declared variables" });
            return 1;
        }
        return 0;
    }
}
