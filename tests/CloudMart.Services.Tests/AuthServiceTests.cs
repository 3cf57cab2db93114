using System.Text;
using CloudMart.AuthService.Apis;
using CloudMart.AuthService.Tokens;
using static CloudMart.Services.Tests.TestHttp;

namespace CloudMart.Services.Tests;

/// <summary>One auth-service with a known signing key, shared by the tests of its endpoints.</summary>
public sealed class AuthServiceHost : IDisposable
{
    public const string SigningKey = "auth-service-tests-signing-key-abcdefghijklmnop";
    public const int LifetimeMinutes = 15;

    public ServiceFactory<AuthService.Program> Factory { get; } = new(new Dictionary<string, string?>
    {
        ["JWT_SIGNING_KEY"] = SigningKey,
        ["TOKEN_LIFETIME_MINUTES"] = LifetimeMinutes.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    public void Dispose() => Factory.Dispose();
}

public sealed class AuthServiceTests(AuthServiceHost host) : IClassFixture<AuthServiceHost>
{
    readonly HttpClient _client = host.Factory.CreateClient();

    async Task<string> IssueAsync(DemoAccount account)
    {
        var response = await _client.PostAsJsonAsync("/auth/token", new { username = account.Username, password = account.Password });
        response.EnsureSuccessStatusCode();
        return (await ReadJsonAsync(response)).GetProperty("token").GetString()!;
    }

    static JsonElement Payload(string token)
    {
        return JsonDocument.Parse(Convert.FromBase64String(PadBase64(token.Split('.')[1]))).RootElement.Clone();
    }

    static string Base64Url(string json) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    Task<HttpResponseMessage> ValidateAsync(string? token) => _client.PostAsJsonAsync("/auth/validate", new { token });

    /// <summary>Validates a token (or none) that must be accepted, and returns the answer.</summary>
    async Task<JsonElement> AcceptedAsync(string? token)
    {
        var response = await ValidateAsync(token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await ReadJsonAsync(response);
        Assert.True(result.GetProperty("valid").GetBoolean());
        return result;
    }

    [Fact]
    public async Task Issuing_a_token_gives_a_signed_JWT_that_expires_after_the_configured_lifetime()
    {
        var before = DateTimeOffset.UtcNow;
        var response = await _client.PostAsJsonAsync("/auth/token", new { username = "alice", password = DemoAccounts.Alice.Password });
        var after = DateTimeOffset.UtcNow;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var issued = await ReadJsonAsync(response);
        var token = issued.GetProperty("token").GetString()!;
        Assert.Equal(3, token.Split('.').Length);
        Assert.All(token.Split('.'), part => Assert.NotEmpty(part));
        Assert.Equal("Bearer", issued.GetProperty("tokenType").GetString());

        var expiresAt = issued.GetProperty("expiresAt").GetDateTimeOffset();
        var lifetime = TimeSpan.FromMinutes(AuthServiceHost.LifetimeMinutes);
        Assert.InRange(expiresAt, before + lifetime - TimeSpan.FromSeconds(1), after + lifetime + TimeSpan.FromSeconds(1));

        var payload = Payload(token);
        Assert.Equal("alice", payload.GetProperty("sub").GetString());
        Assert.Equal(TokenService.Issuer, payload.GetProperty("iss").GetString());
        Assert.Equal(expiresAt.ToUnixTimeSeconds(), payload.GetProperty("exp").GetInt64());
    }

    [Theory]
    [InlineData("""{"username": "", "password": "x"}""")]
    [InlineData("""{"username": "bad name!", "password": "x"}""")]
    [InlineData("""{"username": "alice\n", "password": "alice-shops"}""")]
    [InlineData("""{"username": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "password": "x"}""")]
    [InlineData("""{"username": "alice"}""")]
    [InlineData("""{"username": "alice", "password": ""}""")]
    [InlineData("""{}""")]
    [InlineData("""{"username": """)]
    public async Task Issuing_a_token_for_a_bad_username_or_no_password_is_a_bad_request(string json)
    {
        await AssertProblemAsync(await _client.PostAsync("/auth/token", Json(json)), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Issuing_a_token_from_a_plain_text_body_is_an_unsupported_media_type()
    {
        await AssertProblemAsync(await _client.PostAsync("/auth/token", Text("""{"username": "alice"}""")), HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [MemberData(nameof(WrongSignIns.Cases), MemberType = typeof(WrongSignIns))]
    public async Task A_wrong_username_or_password_gets_no_token_and_one_answer(string username, string password)
    {
        var problem = await AssertProblemAsync(await _client.PostAsJsonAsync("/auth/token", new { username, password }), HttpStatusCode.Unauthorized);
        Assert.Equal(AuthApi.FailedSignIn, Detail(problem));
    }

    [Fact]
    public async Task Every_demo_account_signs_in_with_its_published_password_and_gets_its_role()
    {
        foreach (var account in DemoAccounts.All)
        {
            var result = await AcceptedAsync(await IssueAsync(account));
            Assert.Equal(account.Username, result.GetProperty("subject").GetString());
            Assert.Equal(account.Role, result.GetProperty("role").GetString());
        }
    }

    [Fact]
    public async Task No_token_is_a_guest_checkout_when_guests_are_allowed_by_default()
    {
        var result = await AcceptedAsync(null);

        Assert.True(result.GetProperty("guest").GetBoolean());
        Assert.Equal("guest", result.GetProperty("subject").GetString());
        Assert.StartsWith("guest-", result.GetProperty("sessionId").GetString());
    }

    [Fact]
    public async Task No_token_is_refused_when_guest_checkout_is_switched_off()
    {
        await using var factory = new ServiceFactory<AuthService.Program>(new Dictionary<string, string?> { ["ALLOW_GUEST_CHECKOUT"] = "false" });
        var client = factory.CreateClient();

        var problem = await AssertProblemAsync(await client.PostAsJsonAsync("/auth/validate", new { token = (string?)null }), HttpStatusCode.Unauthorized);
        Assert.Contains("ALLOW_GUEST_CHECKOUT", Detail(problem));

        var empty = await AssertProblemAsync(await client.PostAsJsonAsync("/auth/validate", new { token = "" }), HttpStatusCode.Unauthorized);
        Assert.Contains("ALLOW_GUEST_CHECKOUT", Detail(empty));
    }

    [Fact]
    public async Task A_token_it_issued_is_valid_and_names_its_subject()
    {
        var token = await IssueAsync(DemoAccounts.Bob);

        foreach (var sent in new[] { token, "Bearer " + token })
        {
            var result = await AcceptedAsync(sent);
            Assert.False(result.GetProperty("guest").GetBoolean());
            Assert.Equal("bob", result.GetProperty("subject").GetString());
            Assert.Equal(Payload(token).GetProperty("exp").GetInt64(), result.GetProperty("expiresAt").GetDateTimeOffset().ToUnixTimeSeconds());
        }
    }

    [Fact]
    public async Task A_token_with_one_signature_character_changed_is_refused()
    {
        var token = await IssueAsync(DemoAccounts.Alice);
        var signatureStart = token.LastIndexOf('.') + 1;
        // A character in the middle: the last one carries padding bits, and changing it may not change the bytes.
        var at = signatureStart + 10;
        var tampered = token[..at] + (token[at] == 'A' ? 'B' : 'A') + token[(at + 1)..];

        var problem = await AssertProblemAsync(await ValidateAsync(tampered), HttpStatusCode.Unauthorized);
        Assert.Equal(AuthApi.RefusedToken, Detail(problem));
    }

    [Fact]
    public async Task A_token_whose_payload_was_rewritten_to_another_subject_is_refused()
    {
        var token = await IssueAsync(DemoAccounts.Bob);
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Convert.FromBase64String(PadBase64(parts[1])));
        var forged = Base64Url(payload.Replace("\"bob\"", "\"trainer\"", StringComparison.Ordinal));
        Assert.NotEqual(parts[1], forged);

        var problem = await AssertProblemAsync(await ValidateAsync($"{parts[0]}.{forged}.{parts[2]}"), HttpStatusCode.Unauthorized);
        Assert.Equal(AuthApi.RefusedToken, Detail(problem));
    }

    static string PadBase64(string base64Url)
    {
        var s = base64Url.Replace('-', '+').Replace('_', '/');
        return s.PadRight(s.Length + (4 - s.Length % 4) % 4, '=');
    }

    [Fact]
    public async Task An_expired_token_is_refused_as_expired()
    {
        var twoHoursAgo = new FixedClock(DateTimeOffset.UtcNow.AddHours(-2));
        var (token, expiresAt) = new TokenService(Encoding.UTF8.GetBytes(AuthServiceHost.SigningKey), TimeSpan.FromMinutes(AuthServiceHost.LifetimeMinutes), twoHoursAgo)
            .Issue("alice");
        Assert.True(expiresAt < DateTimeOffset.UtcNow);

        var problem = await AssertProblemAsync(await ValidateAsync(token), HttpStatusCode.Unauthorized);
        Assert.Equal(AuthApi.RefusedToken, Detail(problem));
    }

    [Fact]
    public async Task A_token_made_with_the_same_key_and_a_current_clock_is_accepted()
    {
        // The counterpart of the expired-token test: the key and the issuer match, only the clock differed there.
        var (token, _) = new TokenService(Encoding.UTF8.GetBytes(AuthServiceHost.SigningKey), TimeSpan.FromMinutes(5), new FixedClock(DateTimeOffset.UtcNow))
            .Issue("trainer");

        var result = await AcceptedAsync(token);
        Assert.Equal("trainer", result.GetProperty("subject").GetString());
        Assert.Equal(DemoAccounts.AdminRole, result.GetProperty("role").GetString());
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_refused()
    {
        var (token, _) = new TokenService(Encoding.UTF8.GetBytes("some-other-signing-key-that-is-long-enough-0123"), TimeSpan.FromMinutes(5))
            .Issue("alice");

        var problem = await AssertProblemAsync(await ValidateAsync(token), HttpStatusCode.Unauthorized);
        Assert.Equal(AuthApi.RefusedToken, Detail(problem));
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    public async Task A_string_that_is_not_a_JWT_is_refused(string token)
    {
        await AssertProblemAsync(await ValidateAsync(token), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_validation_request_that_is_not_JSON_is_a_bad_request()
    {
        await AssertProblemAsync(await _client.PostAsync("/auth/validate", Json("{\"token\": ")), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Health_names_the_service()
    {
        var health = await _client.GetFromJsonAsync<JsonElement>("/health");
        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.Equal("auth-service", health.GetProperty("service").GetString());
    }

    [Fact]
    public async Task Metrics_count_token_validations_by_result()
    {
        await ValidateAsync(null);
        var text = await _client.GetStringAsync("/metrics");
        Assert.Matches("cloudmart_auth_validations_total\\{[^}]*result=\"guest\"[^}]*\\} [1-9]", text);
    }
}
