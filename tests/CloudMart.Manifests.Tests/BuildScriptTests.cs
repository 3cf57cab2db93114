using CloudMart.Lab;
using CloudMart.Catalog;
using CloudMart.Manifests.Tests.Support;

namespace CloudMart.Manifests.Tests;

/// <summary>
/// build-and-import.sh, run for real against stand-ins for docker and k3d that record their
/// arguments (no engine or cluster is touched). The script calls no other
/// program, so PATH holds only the stand-ins.
/// </summary>
public sealed class BuildScriptTests : IDisposable
{
    const string FakeDocker = """
        #!/bin/bash
        printf 'docker %s\n' "$*" >> "$FAKE_LOG"
        case $1 in
            info) [[ -z ${FAKE_DOCKER_DOWN:-} ]] ;;
            buildx) [[ -z ${FAKE_NO_BUILDX:-} ]] ;;
            version) echo "${FAKE_CLIENT_VERSION:-28.2.2}" ;;
            build) printf 'DOCKER_BUILDKIT=%s\n' "${DOCKER_BUILDKIT:-}" >> "$FAKE_LOG.env"
                   [[ " $* " != *" ${FAKE_BUILD_FAILS:-none}:latest "* ]] ;;
            *) exit 3 ;;
        esac
        """;

    const string FakeK3d = """
        #!/bin/bash
        printf 'k3d %s\n' "$*" >> "$FAKE_LOG"
        if [[ $1 == cluster && $2 == list ]]; then
            if [[ $3 != "${FAKE_CLUSTER:-}" ]]; then
                echo "FATA[0000] No nodes found for given cluster" >&2
                exit 1
            fi
            printf '%s   %s   0/0   true\n' "$3" "${FAKE_SERVERS:-1/1}"
        elif [[ $1 == image && $2 == import ]]; then
            [[ $3 != "${FAKE_IMPORT_FAILS:-none}:latest" ]]
        else
            exit 3
        fi
        """;

    readonly string _dir = Directory.CreateTempSubdirectory("cloudmart-build-script-").FullName;

    string Bin => Path.Combine(_dir, "bin");

    string LogFile => Path.Combine(_dir, "calls.log");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    void Install(params string[] tools)
    {
        Directory.CreateDirectory(Bin);
        foreach (var tool in tools)
        {
            var path = Path.Combine(Bin, tool);
            File.WriteAllText(path, (tool == "docker" ? FakeDocker : FakeK3d) + "\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    ProgramResult RunScript(IReadOnlyDictionary<string, string>? fake = null, params string[] arguments)
    {
        Directory.CreateDirectory(Bin);
        var environment = new Dictionary<string, string> { ["PATH"] = Bin, ["FAKE_LOG"] = LogFile };
        foreach (var (name, value) in fake ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }
        return ProcessRunner.Run("/bin/bash", [Repo.BuildScript, .. arguments], environment, workingDirectory: _dir);
    }

    IReadOnlyList<string> Calls => File.Exists(LogFile) ? File.ReadAllLines(LogFile) : [];

    static string Build(string service) =>
        $"docker build --tag {service}:latest --file {Repo.LabDir}/{service}/Dockerfile {Repo.Root}";

    static string Import(string service, string cluster) => $"k3d image import {service}:latest -c {cluster}";

    static IEnumerable<string> Names => [.. ServiceCatalog.All.Select(s => s.Name), TrafficSource.Customers.Name];

    [Fact]
    public void List_images_prints_the_six_catalog_images_and_the_customers()
    {
        Assert.Equal([.. ServiceCatalog.All.Select(s => s.Image), TrafficSource.Customers.Image], BuildScript.Images);
        Assert.DoesNotContain("notification-service:v2.0", BuildScript.Images);
    }

    [Theory]
    [InlineData("services/day-4/broken-production/build-and-import.sh")]
    [InlineData("k8s/day-4/sync-gateway-config.sh")]
    public void Shellcheck_finds_nothing(string script)
    {
        var shellcheck = ProcessRunner.Which("shellcheck");
        Assert.True(shellcheck is not null, "shellcheck is not installed (apt-get install shellcheck)");

        var result = ProcessRunner.Run(shellcheck, ["--severity=style", Path.Combine(Repo.Root, script)]);

        Assert.True(result.ExitCode == 0, result.Output);
    }

    [Fact]
    public void Script_is_executable_and_strict()
    {
        var text = File.ReadAllText(Repo.BuildScript);

        Assert.StartsWith("#!/usr/bin/env bash\n", text, StringComparison.Ordinal);
        Assert.Contains("\nset -euo pipefail\n", text, StringComparison.Ordinal);
        Assert.True(File.GetUnixFileMode(Repo.BuildScript).HasFlag(UnixFileMode.UserExecute), "build-and-import.sh is not executable");
    }

    [Fact]
    public void With_everything_ready_builds_every_image_then_imports_each_into_the_named_cluster()
    {
        Install("docker", "k3d");

        var result = RunScript(new Dictionary<string, string> { ["FAKE_CLUSTER"] = "brokenprod" }, "brokenprod");

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(
            ["docker info", "docker buildx version", "k3d cluster list brokenprod --no-headers", .. Names.Select(Build), .. Names.Select(n => Import(n, "brokenprod"))],
            Calls);
        Assert.All(File.ReadAllLines(LogFile + ".env"), line => Assert.Equal("DOCKER_BUILDKIT=1", line));
        Assert.DoesNotContain(Calls, c => c.Contains("v2.0", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_AC_luster_argument_uses_day_4()
    {
        Install("docker", "k3d");

        var result = RunScript(new Dictionary<string, string> { ["FAKE_CLUSTER"] = "day4" });

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("k3d cluster list day4 --no-headers", Calls);
        Assert.Equal(Names.Select(n => Import(n, "day4")), Calls.Where(c => c.StartsWith("k3d image", StringComparison.Ordinal)));
    }

    [Fact]
    public void Without_docker_says_how_to_get_it_and_does_nothing()
    {
        Install("k3d");

        var result = RunScript(new Dictionary<string, string> { ["FAKE_CLUSTER"] = "day4" });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("docker is not installed", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("https://docs.docker.com/get-docker/", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(Calls);
    }

    [Fact]
    public void Without_k_3d_says_how_to_get_it_and_does_nothing()
    {
        Install("docker");

        var result = RunScript();

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("k3d is not installed", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("https://k3d.io/", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(Calls);
    }

    [Fact]
    public void With_the_docker_engine_down_says_to_start_it()
    {
        Install("docker", "k3d");

        var result = RunScript(new Dictionary<string, string> { ["FAKE_CLUSTER"] = "day4", ["FAKE_DOCKER_DOWN"] = "1" });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("engine does not answer", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(["docker info"], Calls);
    }

    [Fact]
    public void Without_the_cluster_says_how_to_create_it_and_builds_nothing()
    {
        Install("docker", "k3d");

        var result = RunScript(new Dictionary<string, string> { ["FAKE_CLUSTER"] = "day4" }, "brokenprod");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("there is no k3d cluster called 'brokenprod'", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("k3d cluster create brokenprod -p \"8080:80@loadbalancer\"", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(Calls, c => c.StartsWith("docker build ", StringComparison.Ordinal));
    }

    [Fact]
    public void With_the_cluster_stopped_says_how_to_start_it_and_builds_nothing()
    {
        Install("docker", "k3d");

        var result = RunScript(new Dictionary<string, string> { ["FAKE_CLUSTER"] = "brokenprod", ["FAKE_SERVERS"] = "0/1" }, "brokenprod");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("exists but is not running", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("k3d cluster start brokenprod", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(Calls, c => c.StartsWith("docker build ", StringComparison.Ordinal));
    }

    [Fact]
    public void When_AB_uild_fails_stops_there_and_imports_nothing()
    {
        Install("docker", "k3d");

        var result = RunScript(new Dictionary<string, string> { ["FAKE_CLUSTER"] = "day4", ["FAKE_BUILD_FAILS"] = "order-service" });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("docker build of order-service:latest failed", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(
            ["gateway", "api-service", "auth-service", "order-service"],
            Calls.Where(c => c.StartsWith("docker build ", StringComparison.Ordinal)).Select(c => c.Split(' ')[3].Split(':')[0]));
        Assert.DoesNotContain(Calls, c => c.StartsWith("k3d image", StringComparison.Ordinal));
    }

    [Fact]
    public void When_an_import_fails_stops_there()
    {
        Install("docker", "k3d");

        var result = RunScript(new Dictionary<string, string> { ["FAKE_CLUSTER"] = "day4", ["FAKE_IMPORT_FAILS"] = "auth-service" });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("k3d image import of auth-service:latest into 'day4' failed", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(
            [Import("gateway", "day4"), Import("api-service", "day4"), Import("auth-service", "day4")],
            Calls.Where(c => c.StartsWith("k3d image", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("--no-import")]
    [InlineData("--build-only")]
    public void Build_only_builds_the_six_images_without_k_3d_or_AC_luster(string option)
    {
        Install("docker");

        var result = RunScript(null, option);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(["docker info", "docker buildx version", .. Names.Select(Build)], Calls);
        Assert.Contains("built (not imported)", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(Calls, c => c.Contains("v2.0", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_docker_and_k_3d_names_both_and_how_to_build_without_k_3d()
    {
        var result = RunScript();

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("docker is not installed", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("k3d is not installed", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("--no-import", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(Calls);
    }

    [Fact]
    public void Build_only_without_docker_names_docker_but_not_k_3d()
    {
        var result = RunScript(null, "--no-import");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("docker is not installed", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("k3d", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void With_AN_ew_docker_without_buildx_says_build_kit_is_missing_and_builds_nothing()
    {
        Install("docker");

        var result = RunScript(new Dictionary<string, string> { ["FAKE_NO_BUILDX"] = "1" }, "--no-import");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("BuildKit builder is missing: docker 28.2.2 has no buildx plugin", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain(Calls, c => c.StartsWith("docker build ", StringComparison.Ordinal));
    }

    [Fact]
    public void With_an_engine_older_than_23_without_buildx_builds_with_its_built_in_build_kit()
    {
        Install("docker");

        var result = RunScript(new Dictionary<string, string> { ["FAKE_NO_BUILDX"] = "1", ["FAKE_CLIENT_VERSION"] = "20.10.24+dfsg1" }, "--no-import");

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(Names.Select(Build), Calls.Where(c => c.StartsWith("docker build ", StringComparison.Ordinal)));
        Assert.All(File.ReadAllLines(LogFile + ".env"), line => Assert.Equal("DOCKER_BUILDKIT=1", line));
    }

    [Theory]
    [InlineData("--no-import", "brokenprod")]
    [InlineData("--bogus")]
    [InlineData("one", "two")]
    public void With_bad_arguments_prints_usage_and_exits_2(params string[] arguments)
    {
        Install("docker", "k3d");

        var result = RunScript(null, arguments);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Usage:", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(Calls);
    }
}
