using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CloudMart.AuthService.Tokens;

/// <summary>Issues and checks CloudMart's access tokens: JWTs signed with HMAC-SHA256.</summary>
public sealed partial class TokenService
{
    public const string Issuer = "cloudmart-auth";
    public const string Audience = "cloudmart";

    readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    readonly SymmetricSecurityKey _key;
    readonly TokenValidationParameters _validation;
    readonly TimeProvider _clock;

    public TokenService(byte[] key, TimeSpan lifetime, TimeProvider? clock = null)
    {
        _key = new SymmetricSecurityKey(key);
        Lifetime = lifetime;
        _clock = clock ?? TimeProvider.System;
        _validation = new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Audience,
            IssuerSigningKey = _key,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidTypes = ["JWT"],
            // Expiry and not-before are checked from the typed claims (TokenShape), so the log can tell them apart.
            ValidateLifetime = false,
        };
    }

    public TimeSpan Lifetime { get; }

    /// <summary>How far apart the clocks of the issuer and a checker may be.</summary>
    public static TimeSpan ClockSkew { get; } = TimeSpan.FromSeconds(30);

    public static TokenService FromOptions(AuthOptions options, ILoggerFactory loggers)
    {
        var lifetime = TimeSpan.FromMinutes(options.TokenLifetimeMinutes);
        if (options.JwtSigningKey is { } secret)
        {
            return new TokenService(Encoding.UTF8.GetBytes(secret), lifetime);
        }
        LogEphemeralKey(loggers.CreateLogger("CloudMart.AuthService.Tokens"));
        return new TokenService(RandomNumberGenerator.GetBytes(32), lifetime);
    }

    public (string Token, DateTimeOffset ExpiresAt) Issue(string subject)
    {
        var now = _clock.GetUtcNow();
        var expires = now + Lifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Subject = new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, subject), new Claim(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("N"))]),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
        });
        return (token, DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds()));
    }

    /// <summary>Checks the token's shape and claims (RFC 8725), its signature, issuer and audience, then its validity period.</summary>
    public async Task<TokenCheck> CheckAsync(string token)
    {
        var (claims, reason) = TokenShape.Read(token);
        if (claims is null)
        {
            return TokenCheck.Refused(reason!);
        }
        var result = await _handler.ValidateTokenAsync(token, _validation);
        if (!result.IsValid)
        {
            return TokenCheck.Refused(Describe(result.Exception));
        }
        var now = _clock.GetUtcNow();
        if (claims.ExpiresAt + ClockSkew <= now)
        {
            return TokenCheck.Refused($"the token expired at {claims.ExpiresAt:o}");
        }
        if (claims.NotBefore is { } notBefore && notBefore - ClockSkew > now)
        {
            return TokenCheck.Refused($"the token is not valid yet (not before {notBefore:o})");
        }
        return new TokenCheck(true, claims.Subject, ((JsonWebToken)result.SecurityToken).Id, claims.ExpiresAt, null);
    }

    static string Describe(Exception? ex) => ex switch
    {
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "the token's signature is not valid",
        SecurityTokenInvalidAlgorithmException => "the token is not signed with HS256",
        SecurityTokenInvalidTypeException => "the token's type is not JWT",
        SecurityTokenMalformedException or ArgumentException => "the token is not a well-formed JWT",
        SecurityTokenInvalidIssuerException => "the token was not issued by CloudMart",
        SecurityTokenInvalidAudienceException => "the token is not meant for CloudMart",
        null => "the token is not valid",
        _ => $"the token is not valid ({ex.GetType().Name})",
    };

    [LoggerMessage(EventId = 30, EventName = LogEvents.EphemeralSigningKey, Level = LogLevel.Information,
        Message = "JWT_SIGNING_KEY is not set: tokens are signed with a key generated at start and kept for this process's lifetime; they stop working when it ends, and a second replica would not accept them (set the key from a Secret for that)")]
    static partial void LogEphemeralKey(ILogger logger);
}

/// <summary>The outcome of a token check; <see cref="Reason"/> is for the log only, never for the caller.</summary>
public sealed record TokenCheck(bool Valid, string? Subject, string? TokenId, DateTimeOffset? ExpiresAt, string? Reason)
{
    public static TokenCheck Refused(string reason) => new(false, null, null, null, reason);
}
