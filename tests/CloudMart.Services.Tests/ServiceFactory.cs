using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CloudMart.Services.Tests;

/// <summary>Hosts one service in memory with the given variables.</summary>
public sealed class ServiceFactory<TProgram>(IReadOnlyDictionary<string, string?> variables) : WebApplicationFactory<TProgram>
    where TProgram : class
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (name, value) in variables)
        {
            builder.UseSetting(name, value);
        }
    }
}
