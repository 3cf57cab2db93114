using CloudMart.AuthService.Sessions;
using CloudMart.AuthService.Tokens;
using CloudMart.AuthService.Users;

namespace CloudMart.AuthService;

static class AuthSetup
{
    public static void AddServices(WebApplicationBuilder builder, ServiceSettings settings)
    {
        builder.Services.AddSingleton(provider => TokenService.FromSettings(settings, provider.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddSingleton(_ => UserStore.FromSeed());
        builder.Services.AddSingleton(_ => new SessionCache(SessionCache.DefaultCapacity, SessionCache.DefaultEntryBytes));
    }
}
