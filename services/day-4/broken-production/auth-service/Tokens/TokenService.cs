using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using CloudMart.ServiceDefaults;
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
            ClockSkew = TimeSpan.FromSeconds(30),
            RequireExpirationTime = true,
            LifetimeValidator = (notBefore, expires, _, parameters) =>
            {
                var now = _clock.GetUtcNow().UtcDateTime;
                return expires is { } e && e.ToUniversalTime() + parameters.ClockSkew > now
                    && (notBefore is null || notBefore.Value.ToUniversalTime() - parameters.ClockSkew <= now);
            },
        };
    }

    public TimeSpan Lifetime { get; }

    public static TokenService FromSettings(ServiceSettings settings, ILoggerFactory loggers)
    {
        var lifetime = TimeSpan.FromMinutes(settings.Integer("TOKEN_LIFETIME_MINUTES"));
        if (settings.Text("JWT_SIGNING_KEY") is { } secret)
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

    /// <summary>Checks signature, issuer, audience and expiry.</summary>
    public async Task<TokenCheck> CheckAsync(string token)
    {
        var result = await _handler.ValidateTokenAsync(token, _validation);
        if (!result.IsValid)
        {
            return new TokenCheck(false, null, null, null, Describe(result.Exception));
        }
        var jwt = (JsonWebToken)result.SecurityToken;
        var subject = jwt.Subject;
        if (string.IsNullOrEmpty(subject))
        {
            return new TokenCheck(false, null, null, null, "the token names no subject");
        }
        return new TokenCheck(true, subject, jwt.Id, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero), null);
    }

    static string Describe(Exception? ex) => ex switch
    {
        SecurityTokenExpiredException or SecurityTokenInvalidLifetimeException => "the token has expired",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "the token's signature is not valid",
        SecurityTokenMalformedException or ArgumentException => "the token is not a well-formed JWT",
        SecurityTokenInvalidIssuerException => "the token was not issued by CloudMart",
        SecurityTokenInvalidAudienceException => "the token is not meant for CloudMart",
        null => "the token is not valid",
        _ => "the token is not valid",
    };

    [LoggerMessage(EventId = 30, EventName = LogEvents.EphemeralSigningKey, Level = LogLevel.Information,
        Message = "JWT_SIGNING_KEY is not set: tokens are signed with a random key made at start and stop working when this process ends")]
    static partial void LogEphemeralKey(ILogger logger);
}

public sealed record TokenCheck(bool Valid, string? Subject, string? TokenId, DateTimeOffset? ExpiresAt, string? Reason);
