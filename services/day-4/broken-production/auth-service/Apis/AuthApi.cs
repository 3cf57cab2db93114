using System.Diagnostics.Metrics;
using CloudMart.AuthService.Sessions;
using CloudMart.AuthService.Tokens;
using CloudMart.AuthService.Users;
using CloudMart.ServiceDefaults.Contracts;
using CloudMart.ServiceDefaults.Http;
using CloudMart.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CloudMart.AuthService.Apis;

public static partial class AuthApi
{
    /// <summary>
    /// The one answer to every refused token and failed sign-in: why is in the log, not for a
    /// caller probing which of their forgeries came closest, or which usernames exist.
    /// </summary>
    public const string RefusedToken = "The token was refused. Sign in again at POST /api/token, or send no token to check out as a guest.";

    public const string FailedSignIn = "The username or password is not right.";

    const int MaxPasswordLength = 256;

    static readonly Counter<long> SignIns =
        CloudMartTelemetry.Meter.CreateCounter<long>("cloudmart.auth.sign_ins", "{sign-in}", "Sign-ins at /auth/token, by result");

    static readonly Counter<long> Validations =
        CloudMartTelemetry.Meter.CreateCounter<long>("cloudmart.auth.validations", "{validation}", "Token validations, by result");

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/auth/validate", Validate);
        app.MapPost("/auth/token", IssueToken);
        return app;
    }

    public static async Task<Results<Ok<ValidateResult>, ProblemHttpResult>> Validate(ValidateRequest body, TokenService tokens,
        SessionCache sessions, UserStore users, IOptions<AuthOptions> options, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("CloudMart.AuthService.Validate");
        var token = body.Token?.Trim();
        token = BearerToken.From(token) ?? token;

        var now = DateTimeOffset.UtcNow;
        if (string.IsNullOrEmpty(token))
        {
            if (!options.Value.AllowGuestCheckout)
            {
                Validations.Add(1, new KeyValuePair<string, object?>("result", "refused"));
                LogRefused(logger, "no token, and guest checkout is switched off");
                return Problems.Unauthorized("A token is required: guest checkout is switched off (ALLOW_GUEST_CHECKOUT=false). Sign in at POST /api/token.");
            }
            var guest = sessions.Add($"guest-{Guid.CreateVersion7():N}", "guest", guest: true, expiresAt: null);
            Validations.Add(1, new KeyValuePair<string, object?>("result", "guest"));
            LogGuest(logger, guest.Key);
            return TypedResults.Ok(new ValidateResult(true, guest.Subject, true, guest.Key, null));
        }

        // The account is looked up on every request, cached or not, so its role is always the store's.
        if (token.Length <= TokenShape.MaxLength && sessions.Find(token, now) is { } cached && users.Find(cached.Subject) is { } known)
        {
            Validations.Add(1, new KeyValuePair<string, object?>("result", "cached"));
            LogValid(logger, cached.Subject, true);
            return TypedResults.Ok(new ValidateResult(true, cached.Subject, false, SessionId(cached), cached.ExpiresAt, Role: known.Role));
        }

        var check = await tokens.CheckAsync(token);
        if (!check.Valid)
        {
            return Refuse(logger, check.Reason!);
        }
        if (users.Find(check.Subject!) is not { } account)
        {
            return Refuse(logger, "the token's subject is not an account of this auth-service");
        }
        var session = sessions.Add(token, account.Username, guest: false, check.ExpiresAt);
        Validations.Add(1, new KeyValuePair<string, object?>("result", "token"));
        LogValid(logger, session.Subject, false);
        return TypedResults.Ok(new ValidateResult(true, session.Subject, false, check.TokenId ?? SessionId(session), check.ExpiresAt, Role: account.Role));
    }

    public static Results<Ok<TokenIssued>, ProblemHttpResult> IssueToken(TokenRequest body, TokenService tokens, UserStore users,
        ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("CloudMart.AuthService.Tokens");
        var username = body.Username;
        if (string.IsNullOrEmpty(username) || !TokenShape.Username().IsMatch(username))
        {
            return Problems.BadRequest("'username' is required: 1 to 64 letters, digits, '.', '_', '-' or '@', e.g. {\"username\": \"alice\", \"password\": \"...\"}.");
        }
        if (string.IsNullOrEmpty(body.Password) || body.Password.Length > MaxPasswordLength)
        {
            return Problems.BadRequest($"'password' is required: 1 to {MaxPasswordLength} characters.");
        }
        if (users.SignIn(username, body.Password) is not { } account)
        {
            SignIns.Add(1, new KeyValuePair<string, object?>("result", "failed"));
            LogSignInFailed(logger, username);
            return Problems.Unauthorized(FailedSignIn);
        }
        var (token, expiresAt) = tokens.Issue(account.Username);
        SignIns.Add(1, new KeyValuePair<string, object?>("result", "signed_in"));
        LogIssued(logger, account.Username, expiresAt);
        return TypedResults.Ok(new TokenIssued(token, "Bearer", expiresAt));
    }

    static ProblemHttpResult Refuse(ILogger logger, string reason)
    {
        Validations.Add(1, new KeyValuePair<string, object?>("result", "refused"));
        LogRefused(logger, reason);
        return Problems.Unauthorized(RefusedToken);
    }

    static string SessionId(SessionCache.Session session) => $"session-{(uint)session.Key.GetHashCode(StringComparison.Ordinal):x8}";

    [LoggerMessage(EventId = 31, EventName = LogEvents.GuestSession, Level = LogLevel.Information, Message = "Guest checkout allowed: session {SessionId}")]
    static partial void LogGuest(ILogger logger, string sessionId);

    [LoggerMessage(EventId = 32, EventName = LogEvents.TokenValid, Level = LogLevel.Information, Message = "Token of {Subject} is valid (from cache: {Cached})")]
    static partial void LogValid(ILogger logger, string subject, bool cached);

    [LoggerMessage(EventId = 33, EventName = LogEvents.TokenRefused, Level = LogLevel.Warning, Message = "Token refused: {Reason}")]
    static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 34, EventName = LogEvents.TokenIssued, Level = LogLevel.Information, Message = "Issued a token to {Subject}, valid until {ExpiresAt:o}")]
    static partial void LogIssued(ILogger logger, string subject, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 35, EventName = LogEvents.SignInFailed, Level = LogLevel.Warning, Message = "Sign-in refused for {Username}: wrong username or password")]
    static partial void LogSignInFailed(ILogger logger, string username);
}
