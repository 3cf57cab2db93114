using System.Buffers.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace CloudMart.AuthService.Tokens;

/// <summary>
/// The checks of RFC 8725 (JWT best current practices) that a JWT library leaves to its caller,
/// made on the token's own JSON before its signature is checked: explicit typing, no critical
/// extensions (none is understood here), no key carried or pointed to by the token, no repeated
/// names, claims of the type RFC 7519 gives them and a subject that is a CloudMart username.
/// </summary>
public static partial class TokenShape
{
    /// <summary>Bounds the work spent on a token before its signature is known to be good.</summary>
    public const int MaxLength = 4096;

    const long LatestNumericDate = 253402300799; // 9999-12-31T23:59:59Z

    static readonly JsonDocumentOptions Strict = new() { MaxDepth = 4 };

    static readonly string[] KeyHeaders = ["jwk", "jku", "x5u", "x5c", "x5t", "x5t#S256"];

    [GeneratedRegex("^[A-Za-z0-9._@-]{1,64}\\z")]
    public static partial Regex Username();

    /// <summary>The claims a token carries when its shape is acceptable, else the reason it is not.</summary>
    public static (TokenClaims? Claims, string? Reason) Read(string token)
    {
        if (token.Length > MaxLength)
        {
            return (null, $"the token is longer than {MaxLength} characters");
        }
        var parts = token.Split('.');
        if (parts.Length != 3 || parts.Any(p => p.Length == 0))
        {
            return (null, "the token is not three non-empty base64url parts (a JWS in compact form)");
        }
        using var header = Parse(parts[0], "header");
        using var payload = Parse(parts[1], "payload");
        if (header.Document is null)
        {
            return (null, header.Reason);
        }
        if (payload.Document is null)
        {
            return (null, payload.Reason);
        }
        var reason = CheckHeader(header.Document.RootElement);
        if (reason is not null)
        {
            return (null, reason);
        }
        return ReadClaims(payload.Document.RootElement);
    }

    static string? CheckHeader(JsonElement header)
    {
        if (header.TryGetProperty("crit", out _))
        {
            return "the header names critical extensions ('crit'), and none is supported";
        }
        if (KeyHeaders.FirstOrDefault(name => header.TryGetProperty(name, out _)) is { } keyHeader)
        {
            return $"the header carries or points to a key ('{keyHeader}')";
        }
        if (!header.TryGetProperty("alg", out var alg) || alg.ValueKind != JsonValueKind.String || alg.GetString() != "HS256")
        {
            return "the header's 'alg' is not HS256";
        }
        if (!header.TryGetProperty("typ", out var typ) || typ.ValueKind != JsonValueKind.String
            || !string.Equals(typ.GetString(), "JWT", StringComparison.OrdinalIgnoreCase))
        {
            return "the header's 'typ' is not JWT";
        }
        return null;
    }

    static (TokenClaims?, string?) ReadClaims(JsonElement payload)
    {
        if (!NumericDate(payload, "exp", required: true, out var exp, out var reason)
            || !NumericDate(payload, "nbf", required: false, out var nbf, out reason)
            || !NumericDate(payload, "iat", required: false, out _, out reason))
        {
            return (null, reason);
        }
        foreach (var name in new[] { "iss", "jti" })
        {
            if (payload.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.String)
            {
                return (null, $"the claim '{name}' is not a string");
            }
        }
        if (payload.TryGetProperty("aud", out var aud) && aud.ValueKind != JsonValueKind.String
            && !(aud.ValueKind == JsonValueKind.Array && aud.EnumerateArray().All(a => a.ValueKind == JsonValueKind.String)))
        {
            return (null, "the claim 'aud' is neither a string nor an array of strings");
        }
        if (!payload.TryGetProperty("sub", out var sub) || sub.ValueKind != JsonValueKind.String)
        {
            return (null, "the claim 'sub' is missing or not a string");
        }
        var subject = sub.GetString()!;
        if (!Username().IsMatch(subject))
        {
            // The length only: the subject may hold control characters that must not reach a log line.
            return (null, $"the subject is not a CloudMart username (1 to 64 letters, digits, '.', '_', '-' or '@'; got {subject.Length} characters)");
        }
        return (new TokenClaims(subject, exp!.Value, nbf), null);
    }

    static bool NumericDate(JsonElement payload, string name, bool required, out DateTimeOffset? value, out string? reason)
    {
        value = null;
        reason = null;
        if (!payload.TryGetProperty(name, out var claim))
        {
            reason = required ? $"the claim '{name}' is missing" : null;
            return !required;
        }
        if (claim.ValueKind != JsonValueKind.Number || !claim.TryGetDouble(out var seconds) || seconds is < 0 or > LatestNumericDate)
        {
            reason = $"the claim '{name}' is not a NumericDate (a number of seconds since 1970)";
            return false;
        }
        value = DateTimeOffset.FromUnixTimeSeconds((long)seconds);
        return true;
    }

    static Parsed Parse(string part, string what)
    {
        var bytes = new byte[Base64Url.GetMaxDecodedLength(part.Length)];
        if (Base64Url.DecodeFromChars(part, bytes, out var consumed, out var written) != System.Buffers.OperationStatus.Done || consumed != part.Length)
        {
            return new Parsed(null, $"the {what} is not base64url");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes.AsMemory(0, written), Strict);
        }
        catch (JsonException)
        {
            return new Parsed(null, $"the {what} is not JSON");
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            return new Parsed(null, $"the {what} is not a JSON object");
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (document.RootElement.EnumerateObject().Any(member => !names.Add(member.Name)))
        {
            document.Dispose();
            return new Parsed(null, $"the {what} names a member twice");
        }
        return new Parsed(document, null);
    }

    readonly record struct Parsed(JsonDocument? Document, string? Reason) : IDisposable
    {
        public void Dispose() => Document?.Dispose();
    }
}

/// <summary>What CloudMart reads from a token whose shape passed: who, until when, from when.</summary>
public sealed record TokenClaims(string Subject, DateTimeOffset ExpiresAt, DateTimeOffset? NotBefore);
