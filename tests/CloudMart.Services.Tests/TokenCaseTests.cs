using System.Security.Cryptography;
using System.Text;
using CloudMart.AuthService.Apis;
using CloudMart.AuthService.Tokens;
using CloudMart.AuthService.Users;
using static CloudMart.Services.Tests.TestHttp;

namespace CloudMart.Services.Tests;

/// <summary>
/// Hostile and broken tokens (RFC 8725's threats and RFC 7519's claim types), each hand-made and
/// sent to the real auth-service: every one is refused with the same 401 text. A well-made token
/// from the same builder is accepted, so a refusal is the case's doing and not the builder's.
/// </summary>
public sealed class TokenCaseTests(AuthServiceHost host) : IClassFixture<AuthServiceHost>
{
    const string Header = """{"alg":"HS256","typ":"JWT"}""";

    static readonly byte[] Key = Encoding.UTF8.GetBytes(AuthServiceHost.SigningKey);

    readonly HttpClient _client = host.Factory.CreateClient();

    static long Now(int offsetSeconds = 0) => DateTimeOffset.UtcNow.ToUnixTimeSeconds() + offsetSeconds;

    /// <summary>A payload with the claims CloudMart issues, <paramref name="extra"/> (raw JSON members) after them.</summary>
    static string Payload(string sub = "\"alice\"", string? exp = null, string iss = "\"cloudmart-auth\"", string aud = "\"cloudmart\"", string extra = "") =>
        $$"""{"sub":{{sub}},"jti":"case","iss":{{iss}},"aud":{{aud}},"iat":{{Now()}},"nbf":{{Now()}},"exp":{{exp ?? Now(600).ToString(System.Globalization.CultureInfo.InvariantCulture)}}{{extra}}}""";

    static string B64(string text) => B64(Encoding.UTF8.GetBytes(text));

    static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    static string Signed(string header, string payload, byte[]? key = null, Func<byte[], byte[], byte[]>? mac = null)
    {
        var input = $"{B64(header)}.{B64(payload)}";
        var signature = (mac ?? HMACSHA256.HashData)(key ?? Key, Encoding.ASCII.GetBytes(input));
        return $"{input}.{B64(signature)}";
    }

    static string Without(string header, string payload) => $"{B64(header)}.{B64(payload)}.";

    public static TheoryData<string, string> Cases()
    {
        var good = Signed(Header, Payload());
        var other = Signed(Header, Payload(sub: "\"bob\""));
        return new()
        {
            { "signed with another key", Signed(Header, Payload(), Encoding.UTF8.GetBytes("an-attackers-own-key-that-is-long-enough-123")) },
            { "alg none, no signature", Without("""{"alg":"none","typ":"JWT"}""", Payload()) },
            { "alg None, no signature", Without("""{"alg":"None","typ":"JWT"}""", Payload()) },
            { "alg none with the HS256 signature", Without("""{"alg":"none","typ":"JWT"}""", Payload()) + good.Split('.')[2] },
            { "alg HS384 with the right key", Signed("""{"alg":"HS384","typ":"JWT"}""", Payload(), mac: HMACSHA384.HashData) },
            { "alg HS512 with the right key", Signed("""{"alg":"HS512","typ":"JWT"}""", Payload(), mac: HMACSHA512.HashData) },
            { "alg RS256 with an HMAC signature (confusion)", Signed("""{"alg":"RS256","typ":"JWT"}""", Payload()) },
            { "alg ES256 with an HMAC signature", Signed("""{"alg":"ES256","typ":"JWT"}""", Payload()) },
            { "alg in lower case", Signed("""{"alg":"hs256","typ":"JWT"}""", Payload()) },
            { "alg missing", Signed("""{"typ":"JWT"}""", Payload()) },
            { "alg a number", Signed("""{"alg":256,"typ":"JWT"}""", Payload()) },
            { "alg twice", Signed("""{"alg":"none","alg":"HS256","typ":"JWT"}""", Payload()) },
            { "expired an hour ago", Signed(Header, Payload(exp: Now(-3600).ToString())) },
            { "expired past the clock skew", Signed(Header, Payload(exp: Now(-60).ToString())) },
            { "exp missing", Signed(Header, $$"""{"sub":"alice","iss":"cloudmart-auth","aud":"cloudmart"}""") },
            { "exp a string", Signed(Header, Payload(exp: $"\"{Now(600)}\"")) },
            { "exp true", Signed(Header, Payload(exp: "true")) },
            { "exp null", Signed(Header, Payload(exp: "null")) },
            { "exp negative", Signed(Header, Payload(exp: "-1")) },
            { "exp past year 9999", Signed(Header, Payload(exp: "1e20")) },
            { "exp twice, the later one last", Signed(Header, Payload(exp: Now(-3600).ToString(), extra: $",\"exp\":{Now(600)}")) },
            { "nbf an hour ahead", Signed(Header, Payload(extra: $",\"nbf\":{Now(3600)}").Replace($"\"nbf\":{Now()},", "")) },
            { "nbf a string", Signed(Header, Payload(extra: $",\"nbf\":\"{Now()}\"").Replace($"\"nbf\":{Now()},", "")) },
            { "iat a string", Signed(Header, Payload(extra: $",\"iat\":\"{Now()}\"").Replace($"\"iat\":{Now()},", "")) },
            { "crit naming exp", Signed("""{"alg":"HS256","typ":"JWT","crit":["exp"]}""", Payload()) },
            { "crit naming an unknown extension", Signed("""{"alg":"HS256","typ":"JWT","crit":["cloudmart-x"],"cloudmart-x":true}""", Payload()) },
            { "crit empty", Signed("""{"alg":"HS256","typ":"JWT","crit":[]}""", Payload()) },
            { "typ missing", Signed("""{"alg":"HS256"}""", Payload()) },
            { "typ at+jwt", Signed("""{"alg":"HS256","typ":"at+jwt"}""", Payload()) },
            { "typ a number", Signed("""{"alg":"HS256","typ":1}""", Payload()) },
            { "an embedded jwk", Signed("""{"alg":"HS256","typ":"JWT","jwk":{"kty":"oct","k":"YQ"}}""", Payload()) },
            { "a jku key URL", Signed("""{"alg":"HS256","typ":"JWT","jku":"http://127.0.0.1:1/keys"}""", Payload()) },
            { "an x5u certificate URL", Signed("""{"alg":"HS256","typ":"JWT","x5u":"http://127.0.0.1:1/cert"}""", Payload()) },
            { "a 1000-character subject", Signed(Header, Payload(sub: $"\"{new string('a', 1000)}\"")) },
            { "a 65-character subject", Signed(Header, Payload(sub: $"\"{new string('a', 65)}\"")) },
            { "a subject with CR LF", Signed(Header, Payload(sub: "\"alice\\r\\nadmin\"")) },
            { "a subject ending in LF", Signed(Header, Payload(sub: "\"alice\\n\"")) },
            { "a subject with a NUL", Signed(Header, Payload(sub: "\"alice\\u0000\"")) },
            { "a subject with U+202E", Signed(Header, Payload(sub: "\"\\u202Eecila\"")) },
            { "a subject with a zero-width space", Signed(Header, Payload(sub: "\"ali\\u200Bce\"")) },
            { "an empty subject", Signed(Header, Payload(sub: "\"\"")) },
            { "a numeric subject", Signed(Header, Payload(sub: "42")) },
            { "a subject that is no account", Signed(Header, Payload(sub: "\"admin\"")) },
            { "a subject in another case", Signed(Header, Payload(sub: "\"Alice\"")) },
            { "sub twice, trainer last", Signed(Header, Payload(extra: ",\"sub\":\"trainer\"")) },
            { "another issuer", Signed(Header, Payload(iss: "\"someone-else\"")) },
            { "an issuer as an array", Signed(Header, Payload(iss: "[\"cloudmart-auth\"]")) },
            { "another audience", Signed(Header, Payload(aud: "\"another-shop\"")) },
            { "an audience as a number", Signed(Header, Payload(aud: "7")) },
            { "jti a number", Signed(Header, Payload().Replace("\"jti\":\"case\"", "\"jti\":7")) },
            { "a payload that is an array", Signed(Header, "[1,2]") },
            { "a payload that is not JSON", Signed(Header, "{\"sub\":") },
            { "a header that is not base64url", "eyJ!bGciOiJIUzI1NiJ9." + good.Split('.', 2)[1] },
            { "two parts", string.Join('.', good.Split('.')[..2]) },
            { "four parts", good + ".e30" },
            { "an empty signature", good[..(good.LastIndexOf('.') + 1)] },
            { "a signature cut short", good[..^4] },
            { "another token's signature", good[..good.LastIndexOf('.')] + other[other.LastIndexOf('.')..] },
            { "longer than 4096 characters", Signed(Header, Payload(extra: $",\"pad\":\"{new string('p', 4096)}\"")) },
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_hostile_or_broken_token_is_refused_with_the_one_generic_answer(string scenario, string token)
    {
        var response = await _client.PostAsJsonAsync("/auth/validate", new { token });

        var problem = await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.True(Detail(problem) == AuthApi.RefusedToken, $"{scenario}: {Detail(problem)}");
    }

    [Fact]
    public async Task The_cases_are_at_least_the_45_of_the_security_probe() =>
        Assert.True(Cases().Count >= 45, $"{Cases().Count} cases");

    [Fact]
    public async Task A_token_made_the_way_the_cases_are_made_but_well_is_accepted()
    {
        var response = await _client.PostAsJsonAsync("/auth/validate", new { token = Signed(Header, Payload()) });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("alice", (await ReadJsonAsync(response)).GetProperty("subject").GetString());
    }

    [Fact]
    public async Task A_token_not_valid_yet_is_reported_as_such_and_not_as_expired()
    {
        var tokens = new TokenService(Key, TimeSpan.FromMinutes(5));
        var check = await tokens.CheckAsync(Signed(Header, Payload(extra: $",\"nbf\":{Now(3600)}").Replace($"\"nbf\":{Now()},", "")));

        Assert.False(check.Valid);
        Assert.Contains("not valid yet", check.Reason);
        Assert.DoesNotContain("expired", check.Reason);
    }

    [Fact]
    public void The_seeded_accounts_are_exactly_the_demo_accounts()
    {
        var store = UserStore.FromSeed();

        Assert.Equal(DemoAccounts.All.Count, store.Count);
        Assert.All(DemoAccounts.All, account => Assert.Equal(account.Role, store.Find(account.Username)?.Role));
    }
}
