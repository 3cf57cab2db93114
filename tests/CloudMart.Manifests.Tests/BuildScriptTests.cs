using CloudMart.Lab;

namespace CloudMart.Manifests.Tests;

/// <summary>
/// build-and-import.sh, run for real against stand-ins for docker and k3d that record their
/// arguments (no engine or cluster is touched). The script calls no other
/// program, so PATH holds only the stand-ins.
/// </summary>
public sealed class BuildScriptTests : IDisposable
{
    /// <summary>Fault 2's image, the one tag the script must never build, as the catalog's patch writes it.</summary>
    static readonly string NeverBuilt = IncidentCatalog.For(LabRepository.Find(AppContext.BaseDirectory)).Get(2).BrokenValue!;

    static string NeverBuiltTag => NeverBuilt.Split(':')[^1];

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

    /// <summary>The checks the script makes before it builds: the engine, BuildKit, the cluster.</summary>
    static string[] Probes(string cluster) => ["docker info", "docker buildx version", $"k3d cluster list {cluster} --no-headers"];

    static IEnumerable<string> Names => [.. ServiceCatalog.All.Select(s => s.Name), TrafficSource.Customers.Name];

    [Fact]
    public void List_images_prints_the_six_catalog_images_and_the_customers()
    {
        Assert.Equal([.. ServiceCatalog.All.Select(s => s.Image), TrafficSource.Customers.Image], BuildScript.Images);
        Assert.DoesNotContain(NeverBuilt, BuildScript.Images);
    }

    [Theory]
    [InlineData("services/day-4/broken-production/build-and-import.sh")]
    [InlineData("k8s/day-4/generate.sh")]
    [InlineData("tests/cluster/cluster.sh")]
    [InlineData("tests/cluster/build-kubernetes.sh")]
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
            [.. Probes("brokenprod"), .. Names.Select(Build), .. Names.Select(n => Import(n, "brokenprod"))],
            Calls);
        Assert.All(File.ReadAllLines(LogFile + ".env"), line => Assert.Equal("DOCKER_BUILDKIT=1", line));
        Assert.DoesNotContain(Calls, c => c.Contains(NeverBuiltTag, StringComparison.Ordinal));
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

    /// <summary>
    /// What the script needs and does not find, it names with the way to get it, and stops there:
    /// exit 1, and no call beyond the checks it made up to that point (so nothing is built or imported).
    /// </summary>
    public static TheoryData<string, string[], string[], string[], string[], string[]> MissingPreconditions => new()
    {
        { "no docker", ["k3d"], ["FAKE_CLUSTER=day4"], [], ["docker is not installed", "https://docs.docker.com/get-docker/"], [] },
        { "no k3d", ["docker"], [], [], ["k3d is not installed", "https://k3d.io/"], [] },
        { "neither docker nor k3d", [], [], [], ["docker is not installed", "k3d is not installed", "--no-import"], [] },
        { "the docker engine down", ["docker", "k3d"], ["FAKE_CLUSTER=day4", "FAKE_DOCKER_DOWN=1"], [], ["engine does not answer"], ["docker info"] },
        {
            "a new docker without buildx", ["docker"], ["FAKE_NO_BUILDX=1"], ["--no-import"],
            ["BuildKit builder is missing: docker 28.2.2 has no buildx plugin"],
            ["docker info", "docker buildx version", "docker version --format {{.Client.Version}}"]
        },
        {
            "no such cluster", ["docker", "k3d"], ["FAKE_CLUSTER=day4"], ["brokenprod"],
            ["there is no k3d cluster called 'brokenprod'", "k3d cluster create brokenprod -p \"8080:80@loadbalancer\""],
            ["docker info", "docker buildx version", "k3d cluster list brokenprod --no-headers"]
        },
        {
            "the cluster stopped", ["docker", "k3d"], ["FAKE_CLUSTER=brokenprod", "FAKE_SERVERS=0/1"], ["brokenprod"],
            ["exists but is not running", "k3d cluster start brokenprod"],
            ["docker info", "docker buildx version", "k3d cluster list brokenprod --no-headers"]
        },
    };

    [Theory]
    [MemberData(nameof(MissingPreconditions))]
    public void A_missing_precondition_is_named_with_its_remedy_and_stops_the_script(
        string situation, string[] tools, string[] fake, string[] arguments, string[] messages, string[] calls)
    {
        Install(tools);

        var result = RunScript(fake.Select(f => f.Split('=', 2)).ToDictionary(f => f[0], f => f[1]), arguments);

        Assert.True(result.ExitCode == 1, $"{situation}: exit {result.ExitCode}\n{result.Output}");
        Assert.All(messages, m => Assert.Contains(m, result.StandardError, StringComparison.Ordinal));
        Assert.Equal(calls, Calls);
    }

    [Theory]
    [InlineData("FAKE_BUILD_FAILS", "order-service", "docker build of order-service:latest failed")]
    [InlineData("FAKE_IMPORT_FAILS", "auth-service", "k3d image import of auth-service:latest into 'day4' failed")]
    public void A_failed_build_or_import_stops_the_script_at_that_image(string failure, string image, string message)
    {
        Install("docker", "k3d");

        var result = RunScript(new Dictionary<string, string> { ["FAKE_CLUSTER"] = "day4", [failure] = image });

        Assert.True(result.ExitCode == 1, result.Output);
        Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
        var upToTheFailure = Names.TakeWhile(n => n != image).Append(image).ToList();
        Assert.Equal(
            failure == "FAKE_BUILD_FAILS"
                ? [.. Probes("day4"), .. upToTheFailure.Select(Build)]
                : [.. Probes("day4"), .. Names.Select(Build), .. upToTheFailure.Select(n => Import(n, "day4"))],
            Calls);
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
        Assert.DoesNotContain(Calls, c => c.Contains(NeverBuiltTag, StringComparison.Ordinal));
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
