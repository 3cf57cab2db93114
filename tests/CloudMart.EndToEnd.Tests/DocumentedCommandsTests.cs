using System.Text.RegularExpressions;

namespace CloudMart.EndToEnd.Tests;

/// <summary>
/// The shell blocks of README.md and docs/*.md that talk to the local gateway, each marked with a
/// <c>&lt;!-- gateway-test: NAME --&gt;</c> line before it, run as written with bash and the real
/// curl and jq against a fresh system (only the gateway's port changed to this system's), and the
/// answers checked against what the text around them promises.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // bash, curl and Unix file modes
public sealed partial class DocumentedCommandsTests(LocalSystemFixture system, ITestOutputHelper output) : IClassFixture<LocalSystemFixture>
{
    /// <summary>One command of a block (continuation lines joined) and what running it printed.</summary>
    sealed record Answer(string Command, string Stdout, IReadOnlyList<int> Statuses)
    {
        public JsonElement Json => JsonDocument.Parse(Stdout).RootElement;

        public int Status => Assert.Single(Statuses);
    }

    sealed record Block(string File, string Name, IReadOnlyList<string> Commands);

    static readonly string[] Checked = ["orders", "trainer-listing"];

    [GeneratedRegex(@"^<!-- gateway-test: ([a-z0-9-]+) -->$")]
    private static partial Regex Marker();

    [GeneratedRegex(@"\n@@ (\d+)\n")]
    private static partial Regex Separator();

    [GeneratedRegex(@"HTTP-STATUS (\d{3})")]
    private static partial Regex StatusLine();

    static IEnumerable<Block> Blocks()
    {
        var root = TestMachine.RepositoryRoot;
        var files = new[] { Path.Combine(root, "README.md") }.Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Order(StringComparer.Ordinal));
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var marker = Marker().Match(lines[i]);
                if (!marker.Success)
                {
                    continue;
                }
                Assert.True(i + 1 < lines.Length && lines[i + 1] == "```bash", $"{file}:{i + 1}: the marker is not right before a ```bash block");
                var commands = new List<string>();
                var current = "";
                for (var j = i + 2; lines[j] != "```"; j++)
                {
                    current += lines[j];
                    if (current.EndsWith('\\'))
                    {
                        current = current[..^1];
                        continue;
                    }
                    commands.Add(current);
                    current = "";
                }
                yield return new Block(Path.GetRelativePath(root, file), marker.Groups[1].Value, commands);
            }
        }
    }

    static Block Find(string name) => Assert.Single(Blocks(), b => b.Name == name);

    /// <summary>
    /// Runs the block's commands one after another in one bash (so a variable one sets reaches
    /// the next), with the documented gateway port changed to this system's. curl is the real
    /// one, through a wrapper that also writes each answer's status code to stderr.
    /// </summary>
    async Task<IReadOnlyList<Answer>> RunAsync(Block block)
    {
        var curl = ProgramRun.Which("curl");
        Assert.True(curl is not null, "curl is not installed (apt-get install curl; ./cloudmart test installs it)");
        Assert.True(ProgramRun.Which("jq") is not null, "jq is not installed (apt-get install jq; ./cloudmart test installs it)");
        using var scratch = new TempFolder();
        var bin = Directory.CreateDirectory(Path.Combine(scratch.Path, "bin")).FullName;
        scratch.File("bin/curl", $"#!/bin/bash\nexec {curl} --write-out '%{{stderr}}HTTP-STATUS %{{http_code}}\\n' \"$@\"\n", executable: true);

        var port = system.Gateway.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var script = new StringBuilder();
        for (var i = 0; i < block.Commands.Count; i++)
        {
            var command = block.Commands[i].Replace("localhost:8080", $"localhost:{port}", StringComparison.Ordinal)
                .Replace("127.0.0.1:8080", $"127.0.0.1:{port}", StringComparison.Ordinal);
            Assert.DoesNotContain(":8080", command);
            script.Append(Invariant($"printf '\\n@@ {i}\\n'; printf '\\n@@ {i}\\n' >&2\n")).Append(command).Append('\n');
        }
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH"),
            // The gateway is on loopback: no proxy of the machine's in the way.
            ["http_proxy"] = "", ["HTTP_PROXY"] = "", ["all_proxy"] = "", ["ALL_PROXY"] = "",
        };
        var result = await ProgramRun.RunAsync("/bin/bash", ["-c", script.ToString()], TimeSpan.FromSeconds(60), environment: environment);
        output.WriteLine($"{block.File} ({block.Name}):\n{result.StandardOutput}\n--- stderr\n{result.StandardError}");

        var stdout = Segments(result.StandardOutput);
        var stderr = Segments(result.StandardError);
        Assert.Equal(block.Commands.Count, stdout.Count);
        return [.. block.Commands.Select((command, i) => new Answer(command, stdout[i].Trim(),
            [.. StatusLine().Matches(stderr[i]).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))]))];
    }

    static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    static List<string> Segments(string text)
    {
        var parts = Separator().Split("\n" + text);
        // Split gives: text before the first separator, then (index, text) pairs.
        var segments = new List<string>();
        for (var i = 1; i + 1 < parts.Length; i += 2)
        {
            segments.Add(parts[i + 1]);
        }
        return segments;
    }

    [Fact]
    public void Every_marked_block_is_one_these_tests_check()
    {
        Assert.Equal(Checked.Order(StringComparer.Ordinal), Blocks().Select(b => b.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_READMEs_orders_block_places_a_guest_order_signs_alice_in_orders_as_her_and_lists_only_hers()
    {
        var block = Find("orders");
        Assert.Equal("README.md", block.File);

        var answers = await RunAsync(block);

        Assert.Equal(4, answers.Count);
        var guest = answers[0];
        Assert.Equal(200, guest.Status);
        Assert.True(guest.Json.GetProperty("success").GetBoolean(), guest.Stdout);
        var guestOrder = guest.Json.GetProperty("order");
        Assert.Equal("laptop", guestOrder.GetProperty("item").GetString());
        Assert.Equal(1, guestOrder.GetProperty("quantity").GetInt32());
        Assert.Equal("guest", guestOrder.GetProperty("customer").GetString());
        Assert.True(guestOrder.TryGetProperty("timestamp", out _), guest.Stdout);
        Assert.Equal(JsonValueKind.String, guest.Json.GetProperty("message").ValueKind);

        var signIn = answers[1];
        Assert.Equal(200, signIn.Status);
        Assert.Equal("", signIn.Stdout); // the token went into TOKEN

        var alice = answers[2];
        Assert.Equal(200, alice.Status);
        var aliceOrder = alice.Json.GetProperty("order");
        Assert.Equal("alice", aliceOrder.GetProperty("customer").GetString());
        Assert.Equal("keyboard", aliceOrder.GetProperty("item").GetString());
        Assert.Equal(2, aliceOrder.GetProperty("quantity").GetInt32());

        var history = answers[3];
        Assert.Equal(200, history.Status);
        var orders = history.Json.GetProperty("orders").EnumerateArray().ToList();
        Assert.InRange(orders.Count, 1, 5);
        Assert.Equal(orders.Count, history.Json.GetProperty("count").GetInt32());
        Assert.True(history.Json.GetProperty("total").GetInt64() >= orders.Count, history.Stdout);
        Assert.All(orders, o => Assert.Equal("alice", o.GetProperty("customer").GetString()));
        Assert.Equal(aliceOrder.GetProperty("id").GetString(), orders[0].GetProperty("id").GetString()); // newest first
    }

    /// <summary>What the README says around the block: the token's shape, and the 400 and 401s.</summary>
    [Fact]
    public async Task Sign_in_and_history_answer_as_the_README_says()
    {
        var signIn = await PostAsync("/api/token", """{"username": "alice", "password": "alice-shops"}""");
        Assert.Equal(HttpStatusCode.OK, signIn.Status);
        using (var token = JsonDocument.Parse(signIn.Body))
        {
            Assert.False(string.IsNullOrEmpty(token.RootElement.GetProperty("token").GetString()));
            Assert.Equal("Bearer", token.RootElement.GetProperty("tokenType").GetString());
            Assert.True(token.RootElement.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow, signIn.Body);
        }

        var noPassword = await PostAsync("/api/token", """{"username": "alice"}""");
        Assert.Equal(HttpStatusCode.BadRequest, noPassword.Status);
        Assert.Equal("application/problem+json", noPassword.MediaType);

        var wrongPassword = await PostAsync("/api/token", """{"username": "alice", "password": "bob-shops"}""");
        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.Status);

        using var anonymous = await system.Http.GetAsync(new Uri(system.Gateway, "/api/orders"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_trainers_listing_in_the_trainer_guide_has_every_customers_orders_newest_first()
    {
        var guestOrder = await OrderAsync(null, "guest-mug");
        var aliceOrder = await OrderAsync(await TokenAsync(DemoAccounts.Alice), "alice-lamp");

        var answers = await RunAsync(Find("trainer-listing"));

        Assert.Equal(2, answers.Count);
        Assert.Equal(200, answers[0].Status);
        Assert.Equal("", answers[0].Stdout);
        var listing = answers[1];
        Assert.Equal(200, listing.Status);
        var ids = listing.Json.GetProperty("orders").EnumerateArray().Select(o => o.GetProperty("id").GetString()).ToList();
        Assert.InRange(ids.Count, 2, 5);
        Assert.Equal<string?>([aliceOrder, guestOrder], ids.Take(2));
        Assert.True(listing.Json.GetProperty("total").GetInt64() >= 2, listing.Stdout);
    }

    async Task<(HttpStatusCode Status, string Body, string? MediaType)> PostAsync(string path, string json, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(system.Gateway, path))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }
        using var response = await system.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType);
    }

    async Task<string> TokenAsync(DemoAccount account)
    {
        var (status, body, _) = await PostAsync("/api/token", JsonSerializer.Serialize(new { username = account.Username, password = account.Password }));
        Assert.True(status == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("token").GetString()!;
    }

    async Task<string> OrderAsync(string? token, string item)
    {
        var (status, body, _) = await PostAsync("/api/orders", $$"""{"item": "{{item}}", "quantity": 1}""", token);
        Assert.True(status == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("order").GetProperty("id").GetString()!;
    }
}
