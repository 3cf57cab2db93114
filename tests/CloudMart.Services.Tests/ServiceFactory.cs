using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CloudMart.Services.Tests;

/// <summary>
/// Hosts one service in memory with the given variables. <paramref name="testServices"/> runs after
/// the service's own registrations, which is where a test points a dependency at another hosted service.
/// </summary>
public sealed class ServiceFactory<TProgram>(IReadOnlyDictionary<string, string?> variables, Action<IServiceCollection>? testServices = null)
    : WebApplicationFactory<TProgram>
    where TProgram : class
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // WebApplicationFactory defaults to Development; the services ship and run as Production,
        // and error handling differs between the two, so test what ships.
        builder.UseEnvironment(Environments.Production);
        foreach (var (name, value) in variables)
        {
            builder.UseSetting(name, value);
        }
        if (testServices is not null)
        {
            builder.ConfigureTestServices(testServices);
        }
    }
}

public static class DependencyRouting
{
    /// <summary>
    /// Sends the named HttpClient of a dependency (the name <c>AddDependency</c> registers) to another
    /// service hosted in memory, instead of over the network.
    /// </summary>
    public static IServiceCollection RouteDependency<TProgram>(this IServiceCollection services, string dependency, WebApplicationFactory<TProgram> target)
        where TProgram : class
    {
        services.AddHttpClient(dependency).ConfigurePrimaryHttpMessageHandler(() => target.Server.CreateHandler());
        return services;
    }
}
