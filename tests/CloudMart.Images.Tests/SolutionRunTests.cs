using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using CloudMart.Images.Tests.Support;

namespace CloudMart.Images.Tests;

/// <summary>The six images on one network, each run as the solution's manifests run it.</summary>
public sealed class SolutionLab : IDisposable
{
    public SolutionLab()
    {
        Lab = new ContainerLab();
        try
        {
            Lab.StartSolution();
        }
        catch
        {
            Lab.Dispose();
            throw;
        }
    }

    public ContainerLab Lab { get; }

    public void Dispose() => Lab.Dispose();
}

public sealed class SolutionRunTests(SolutionLab fixture) : IClassFixture<SolutionLab>
{
    readonly ContainerLab _lab = fixture.Lab;

    [Fact]
    public async Task The_guides_twenty_orders_through_the_gateway_all_succeed_each_within_two_seconds()
    {
        using var http = new HttpClient { BaseAddress = _lab.BaseUri("gateway"), Timeout = TimeSpan.FromSeconds(10) };
        var failures = new List<string>();
        for (var n = 1; n <= 20; n++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await http.PostAsJsonAsync("api/orders", new { item = $"item-{n}", quantity = 1 });
            var body = await response.Content.ReadAsStringAsync();
            watch.Stop();
            if ((int)response.StatusCode != 200 || watch.Elapsed >= TimeSpan.FromSeconds(2))
            {
                failures.Add($"order {n}: {(int)response.StatusCode} in {watch.ElapsedMilliseconds} ms: {body}");
            }
            else
            {
                using var json = JsonDocument.Parse(body);
                Assert.True(json.RootElement.GetProperty("success").GetBoolean(), body);
                Assert.Equal($"item-{n}", json.RootElement.GetProperty("order").GetProperty("item").GetString());
            }
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));

        // The whole listing is the trainer's (admin) view; a guest may not list orders.
        var trainer = CloudMart.Catalog.DemoAccounts.Trainer;
        using var signIn = await http.PostAsJsonAsync("api/token", new { username = trainer.Username, password = trainer.Password });
        signIn.EnsureSuccessStatusCode();
        using var token = JsonDocument.Parse(await signIn.Content.ReadAsStringAsync());
        using var list = new HttpRequestMessage(HttpMethod.Get, "api/orders");
        list.Headers.Authorization = new("Bearer", token.RootElement.GetProperty("token").GetString());
        using var listed = await http.SendAsync(list);
        var listing = await listed.Content.ReadAsStringAsync();
        Assert.True(listed.IsSuccessStatusCode, listing);
        Assert.All(Enumerable.Range(1, 20), n => Assert.Contains($"\"item-{n}\"", listing, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_log_line_of_every_container_is_json_and_none_is_an_error()
    {
        // Traffic first, so the lines of a whole order are among those checked.
        using (var http = new HttpClient { BaseAddress = _lab.BaseUri("gateway"), Timeout = TimeSpan.FromSeconds(10) })
        {
            using var response = await http.PostAsJsonAsync("api/orders", new { item = "log-check", quantity = 1 });
            Assert.Equal(200, (int)response.StatusCode);
        }

        foreach (var service in ContainerLab.StartOrder)
        {
            var lines = _lab.LogLines(service);
            Assert.NotEmpty(lines);
            foreach (var line in lines)
            {
                JsonDocument json;
                try
                {
                    json = JsonDocument.Parse(line);
                }
                catch (JsonException)
                {
                    Assert.Fail($"{service} wrote a line that is not JSON: {line}");
                    throw;
                }
                using (json)
                {
                    var level = json.RootElement.TryGetProperty("level", out var l) ? l.GetString() : null;
                    Assert.True(level is not null, $"{service}: a line without a level: {line}");
                    Assert.DoesNotContain(level, new[] { "error", "critical", "fatal" });
                }
            }
        }
    }

    [Theory]
    [InlineData("api-service", "AUTH_SERVICE_URL=http://auth-service:3000")]
    [InlineData("order-service", "DATABASE_URL=http://database-service:8080")]
    [InlineData("database-service", "DB_NAME=cloudmart-db")]
    public void Docker_exec_env_lists_the_variables_of_the_manifest(string service, string variable)
    {
        var env = Docker.Check("exec", _lab.Containers[service], "env");

        Assert.Contains(variable, env.Split('\n'));
    }

    [Theory]
    [InlineData("api-service", "1654:1654")]
    [InlineData("auth-service", "1654:1654")]
    [InlineData("order-service", "1654:1654")]
    [InlineData("database-service", "1654:1654")]
    [InlineData("notification-service", "1654:1654")]
    [InlineData("gateway", "101:101")]
    public void Each_container_runs_as_its_non_root_user_with_a_read_only_root_and_no_capabilities(string service, string user)
    {
        var container = _lab.Containers[service];

        Assert.Equal(user, Docker.Inspect(container, "{{.Config.User}}"));
        Assert.Equal("true", Docker.Inspect(container, "{{.HostConfig.ReadonlyRootfs}}"));
        Assert.Equal("[ALL]", Docker.Inspect(container, "{{.HostConfig.CapDrop}}"));
        Assert.True(_lab.Running(service), _lab.Logs(service));
    }
}
