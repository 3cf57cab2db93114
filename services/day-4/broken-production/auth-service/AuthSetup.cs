using CloudMart.AuthService.Sessions;
using CloudMart.AuthService.Tokens;
using CloudMart.AuthService.Users;
using Microsoft.Extensions.Options;

namespace CloudMart.AuthService;

static class AuthSetup
{
    public static void AddServices(WebApplicationBuilder builder, ServiceSettings settings)
    {
        builder.Services.AddOptions<AuthOptions>().Bind(settings.Values).CheckedAgainst(settings.Service);
        builder.Services.AddSingleton(provider => TokenService.FromOptions(
            provider.GetRequiredService<IOptions<AuthOptions>>().Value, provider.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddSingleton(_ => UserStore.FromSeed());
        builder.Services.AddSingleton(_ => new SessionCache(SessionCache.DefaultCapacity, SessionCache.DefaultEntryBytes));
    }
}

/// <summary>The auth-service's own variables (<see cref="ServiceCatalog.Auth"/>), checked and defaulted there.</summary>
public sealed class AuthOptions
{
    /// <summary>The secret tokens are signed with; a random one for this process when unset.</summary>
    public string? JwtSigningKey { get; set; }

    public int TokenLifetimeMinutes { get; set; }

    /// <summary>Whether a request with no token may check out as a guest.</summary>
    public bool AllowGuestCheckout { get; set; }
}
