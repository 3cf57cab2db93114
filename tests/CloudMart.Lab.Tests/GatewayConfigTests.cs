using System.Text.RegularExpressions;
using CloudMart.Catalog;
using CloudMart.Lab;

namespace CloudMart.Lab.Tests;

/// <summary>The gateway's nginx.conf as the cluster gets it, and the copy a local run renders from it.</summary>
public sealed class GatewayConfigTests : IDisposable
{
    readonly TempFolder _folder = new();
    readonly string _source = File.ReadAllText(new LabLayout(TestMachine.RepositoryRoot).GatewayConfigSource);

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void The_api_location_proxies_to_the_api_service_upstream_keeping_the_path()
    {
        var apiLocation = Regex.Match(_source, @"location /api/ \{(?<body>[^}]*)\}").Groups["body"].Value;
        var proxyPass = Regex.Match(apiLocation, @"proxy_pass\s+(?<target>[^;]+);").Groups["target"].Value;

        // A URI part after the upstream (even a lone "/") would replace /api/ in the forwarded path.
        Assert.Equal("http://api_service", proxyPass);
        Assert.Matches(@"upstream api_service \{\s*server api-service:3000;", _source);
        Assert.Equal(3000, ServiceCatalog.Api.ContainerPort);
    }

    [Fact]
    public void The_cluster_config_listens_on_the_gateway_container_port_answers_health_and_includes_nothing()
    {
        Assert.Matches($@"\blisten {ServiceCatalog.Gateway.ContainerPort};", _source);
        Assert.Contains("location = /health", _source);
        Assert.Contains("\"service\":\"gateway\"", _source);
        Assert.DoesNotMatch(@"(?m)^\s*include\s", _source);
        Assert.DoesNotMatch(@"(?m)^\s*daemon\s", _source);
    }

    [Fact]
    public void Both_the_cluster_config_and_the_local_copy_run_a_fixed_number_of_workers()
    {
        var rendered = GatewayConfig.Render(_source, 18080, 13000, Path.Combine(_folder.Path, "nginx"));

        foreach (var config in new[] { _source, rendered })
        {
            // "auto" would size nginx's memory by the node's CPU count, past the pod's 64Mi on a large node.
            var workers = Regex.Matches(config, @"(?m)^\s*worker_processes\s+(?<count>[^;]+);");
            Assert.Single(workers);
            Assert.Equal("2", workers[0].Groups["count"].Value);
        }
    }

    [Fact]
    public void The_local_copy_changes_only_the_listen_address_the_upstream_address_and_the_writable_paths()
    {
        var nginxFolder = Path.Combine(_folder.Path, "nginx");

        var rendered = GatewayConfig.Render(_source, 18080, 13000, nginxFolder);

        Assert.Contains("listen 127.0.0.1:18080;", rendered);
        Assert.Contains("server 127.0.0.1:13000;", rendered);
        Assert.Contains($"pid \"{nginxFolder}/nginx.pid\";", rendered);
        Assert.Contains($"proxy_temp_path \"{nginxFolder}/nginx-proxy\";", rendered);
        var sourceLines = _source.Split('\n');
        var renderedLines = rendered.Split('\n').Skip(1).ToArray();
        Assert.Equal(sourceLines.Length, renderedLines.Length);
        var changed = sourceLines.Zip(renderedLines).Where(pair => pair.First != pair.Second).Select(pair => pair.First.Trim()).ToList();
        Assert.All(changed, line => Assert.Matches(@"^(listen 8080;|server api-service:3000;|pid /tmp/|\w+_temp_path /tmp/)", line));
        Assert.Equal(8, changed.Count);
    }

    [Theory]
    [InlineData("listen 8080;", "listen 8081;")]
    [InlineData("server api-service:3000;", "server api:3000;")]
    [InlineData("pid /tmp/nginx.pid;", "pid /run/nginx.pid;")]
    public void Rendering_fails_with_a_clear_message_when_nginx_conf_no_longer_has_what_the_local_run_changes(string expected, string replacement)
    {
        var edited = _source.Replace(expected, replacement, StringComparison.Ordinal);

        var error = Assert.Throws<GatewayConfigException>(() => GatewayConfig.Render(edited, 18080, 13000, _folder.Path));

        Assert.Contains(expected.Split(' ')[0], error.Message);
    }

    [Fact]
    public void A_new_directive_writing_under_tmp_is_refused_rather_than_left_pointing_at_tmp()
    {
        var edited = _source.Replace("access_log /dev/stdout cloudmart;", "access_log /tmp/access.log cloudmart;", StringComparison.Ordinal);

        var error = Assert.Throws<GatewayConfigException>(() => GatewayConfig.Render(edited, 18080, 13000, _folder.Path));

        Assert.Contains("/tmp/access.log", error.Message);
    }

    [Fact]
    public void The_reader_finds_each_directive_in_its_block_with_quoted_braces_and_semicolons_kept_whole()
    {
        var directives = NginxDirectives.Read(_source);

        var health = Assert.Single(directives, d => d.Block == "http/server/location = /health" && d.Name == "return");
        Assert.Equal(["200", "'{\"status\":\"ok\",\"service\":\"gateway\"}'"], health.Arguments);
        Assert.Single(directives, d => d.Block == "http/upstream api_service" && d.Name == "server");
        Assert.Single(directives, d => d.Context.Count == 0 && d.Name == "worker_processes");
        Assert.DoesNotContain(directives, d => d.Name.StartsWith('#'));
        Assert.Equal("0", NginxDirectives.Replace("a 1; b 2;", [(NginxDirectives.Read("a 1; b 2;")[1], "0")])[^2..^1]);
    }

    [Fact]
    public void The_site_root_becomes_the_given_folder_quoted_and_a_path_nginx_cannot_take_is_refused()
    {
        var rendered = GatewayConfig.Render(_source, 18080, 13000, _folder.Path, "/srv/cloudmart site/");

        Assert.Contains("root \"/srv/cloudmart site\";", rendered);
        Assert.DoesNotContain($"root {GatewayConfig.ImageSiteRoot};", rendered);
        Assert.Throws<GatewayConfigException>(() => GatewayConfig.Render(_source, 18080, 13000, _folder.Path, "/srv/$site"));
    }

    [Theory]
    [InlineData("http { return 200 'open; }")]
    [InlineData("http { server { listen 8080; }")]
    [InlineData("listen 8080; }")]
    public void A_file_nginx_could_not_read_is_refused_with_a_clear_message(string broken)
    {
        var error = Assert.Throws<GatewayConfigException>(() => GatewayConfig.Render(broken, 18080, 13000, _folder.Path));

        Assert.StartsWith("nginx.conf cannot be read", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nginx_accepts_the_local_copy()
    {
        var nginxFolder = Path.Combine(_folder.Path, "nginx");
        Directory.CreateDirectory(nginxFolder);
        await File.WriteAllTextAsync(Path.Combine(nginxFolder, GatewayConfig.RenderedFileName), GatewayConfig.Render(_source, 18080, 13000, nginxFolder));
        var arguments = NginxSetup.RunArguments(nginxFolder, NginxSetup.VersionOf(TestMachine.NginxPath)).ToList();
        arguments.Insert(0, "-t");

        var (code, output) = await Run(TestMachine.NginxPath, arguments);

        Assert.True(code == 0, output);
        Assert.Contains("test is successful", output);
    }

    static async Task<(int Code, string Output)> Run(string fileName, IEnumerable<string> arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(fileName) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        return (process.ExitCode, await output + await error);
    }
}
