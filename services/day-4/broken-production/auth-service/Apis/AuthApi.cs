using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using CloudMart.AuthService.Sessions;
using CloudMart.AuthService.Tokens;
using CloudMart.ServiceDefaults;
using CloudMart.ServiceDefaults.Contracts;
using CloudMart.ServiceDefaults.Http;
using CloudMart.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CloudMart.AuthService.Apis;

public static partial class AuthApi
{
    const int MaxTokenLength = 4096;

    static readonly Counter<long> Validations =
        CloudMartTelemetry.Meter.CreateCounter<long>("cloudmart.auth.validations", "{validation}", "Token validations, by result");

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/auth/validate", Validate);
        app.MapPost("/auth/token", IssueToken);
        return app;
    }

    public static async Task<Results<Ok<ValidateResult>, ProblemHttpResult>> Validate(ValidateRequest body, TokenService tokens,
        SessionCache sessions, ServiceSettings settings, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("CloudMart.AuthService.Validate");
        var token = body.Token?.Trim();
        if (token is not null && token.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            token = token["Bearer ".Length..].Trim();
        }

        var now = DateTimeOffset.UtcNow;
        if (string.IsNullOrEmpty(token))
        {
            if (!settings.Flag("ALLOW_GUEST_CHECKOUT"))
            {
                return Refuse(logger, "a token is required (guest checkout is switched off by ALLOW_GUEST_CHECKOUT=false)");
            }
            var guest = sessions.Add($"guest-{Guid.CreateVersion7():N}", "guest", guest: true, expiresAt: null);
            Validations.Add(1, new KeyValuePair<string, object?>("result", "guest"));
            LogGuest(logger, guest.Key);
            return TypedResults.Ok(new ValidateResult(true, guest.Subject, true, guest.Key, null));
        }
        if (token.Length > MaxTokenLength)
        {
            return Refuse(logger, $"the token is longer than {MaxTokenLength} characters");
        }

        if (sessions.Find(token, now) is { } cached)
        {
            Validations.Add(1, new KeyValuePair<string, object?>("result", "cached"));
            LogValid(logger, cached.Subject, true);
            return TypedResults.Ok(new ValidateResult(true, cached.Subject, false, SessionId(cached), cached.ExpiresAt));
        }

        var check = await tokens.CheckAsync(token);
        if (!check.Valid)
        {
            return Refuse(logger, check.Reason!);
        }
        var session = sessions.Add(token, check.Subject!, guest: false, check.ExpiresAt);
        Validations.Add(1, new KeyValuePair<string, object?>("result", "token"));
        LogValid(logger, session.Subject, false);
        return TypedResults.Ok(new ValidateResult(true, session.Subject, false, check.TokenId ?? SessionId(session), check.ExpiresAt));
    }

    public static Results<Ok<TokenIssued>, ProblemHttpResult> IssueToken(TokenRequest body, TokenService tokens, ILoggerFactory loggers)
    {
        var username = body.Username?.Trim();
        if (string.IsNullOrEmpty(username) || !UsernamePattern().IsMatch(username))
        {
            return Problems.BadRequest("'username' is required: 1 to 64 letters, digits, '.', '_', '-' or '@', e.g. {\"username\": \"alice\"}.");
        }
        var (token, expiresAt) = tokens.Issue(username);
        LogIssued(loggers.CreateLogger("CloudMart.AuthService.Tokens"), username, expiresAt);
        return TypedResults.Ok(new TokenIssued(token, "Bearer", expiresAt));
    }

    static ProblemHttpResult Refuse(ILogger logger, string reason)
    {
        Validations.Add(1, new KeyValuePair<string, object?>("result", "refused"));
        LogRefused(logger, reason);
        return Problems.Unauthorized($"Token refused: {reason}.");
    }

    static string SessionId(SessionCache.Session session) => $"session-{(uint)session.Key.GetHashCode(StringComparison.Ordinal):x8}";

    [GeneratedRegex("^[A-Za-z0-9._@-]{1,64}$")]
    private static partial Regex UsernamePattern();

    [LoggerMessage(EventId = 31, EventName = LogEvents.GuestSession, Level = LogLevel.Information, Message = "Guest checkout allowed: session {SessionId}")]
    static partial void LogGuest(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 32, EventName = LogEvents.TokenValid, Level = LogLevel.Information, Message = "Token of {Subject} is valid (from cache: {Cached})")]
    static partial void LogValid(ILogger logger, string subject, bool cached);

    [LoggerMessage(EventId = 33, EventName = LogEvents.TokenRefused, Level = LogLevel.Warning, Message = "Token refused: {Reason}")]
    static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 34, EventName = LogEvents.TokenIssued, Level = LogLevel.Information, Message = "Issued a token to {Subject}, valid until {ExpiresAt:o}")]
    static partial void LogIssued(ILogger logger, string subject, DateTimeOffset expiresAt);
}
