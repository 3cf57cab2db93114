using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Identity;

namespace CloudMart.AuthService.Users;

/// <summary>An account as the auth-service stores it: never the password, only its salted hash.</summary>
public sealed record UserAccount(string Username, string Role, string PasswordHash);

/// <summary>
/// The accounts that may sign in, checked with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/>
/// (PBKDF2 with HMAC-SHA512, a salt per account, 100,000 iterations). The lab's accounts come
/// hashed in <c>demo-users.json</c>, built into the service, so starting costs no hashing.
/// </summary>
public sealed class UserStore
{
    const string SeedResource = "CloudMart.AuthService.Users.demo-users.json";

    readonly Dictionary<string, UserAccount> _accounts;
    readonly PasswordHasher<UserAccount> _hasher = new();

    // Checked when the name is unknown, so a wrong name costs the same time as a wrong password
    // and the answer's timing does not tell which names exist.
    readonly UserAccount _nobody;

    public UserStore(IEnumerable<UserAccount> accounts)
    {
        _accounts = accounts.ToDictionary(a => a.Username, StringComparer.Ordinal);
        _nobody = new UserAccount("", "", _hasher.HashPassword(null!, Guid.NewGuid().ToString("N")));
    }

    public int Count => _accounts.Count;

    public static UserStore FromSeed()
    {
        using var stream = typeof(UserStore).Assembly.GetManifestResourceStream(SeedResource)
            ?? throw new InvalidOperationException($"The auth-service is built without its accounts ({SeedResource})");
        var accounts = JsonSerializer.Deserialize(stream, UserJson.Default.UserAccountArray)
            ?? throw new InvalidOperationException($"{SeedResource} holds no accounts");
        return new UserStore(accounts);
    }

    /// <summary>The account whose password this is, or null for a wrong name or password.</summary>
    public UserAccount? SignIn(string username, string password)
    {
        var known = _accounts.GetValueOrDefault(username);
        var result = _hasher.VerifyHashedPassword(known ?? _nobody, (known ?? _nobody).PasswordHash, password);
        return known is not null && result != PasswordVerificationResult.Failed ? known : null;
    }

    public UserAccount? Find(string username) => _accounts.GetValueOrDefault(username);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(UserAccount[]))]
sealed partial class UserJson : JsonSerializerContext;
