namespace CloudMart.ServiceDefaults.Http;

/// <summary>The <c>Bearer</c> scheme of an Authorization value (RFC 6750), read the same way wherever a token arrives.</summary>
public static class BearerToken
{
    public const string Prefix = "Bearer ";

    /// <summary>The token after <c>Bearer </c> (any case), trimmed; null when <paramref name="value"/> does not use the scheme.</summary>
    public static string? From(string? value) =>
        value is not null && value.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) ? value[Prefix.Length..].Trim() : null;
}
