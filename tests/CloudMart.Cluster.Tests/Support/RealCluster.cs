using System.Diagnostics;
using System.Text.Json;

namespace CloudMart.Cluster.Tests.Support;

/// <summary>
/// The cluster of tests/cluster/cluster.sh, reached with the real kubectl and the real cloudmart
/// tool through its kubeconfig: <c>CLOUDMART_KUBECONFIG</c>, else the harness's fixed path.
/// </summary>
public sealed class RealCluster
{
    public const string HarnessKubeconfig = "/var/lib/cloudmart-cluster/kubeconfig";

    public const string UpCommand = "sudo tests/cluster/cluster.sh up";

    public static string Kubeconfig { get; } = Environment.GetEnvironmentVariable("CLOUDMART_KUBECONFIG") is { Length: > 0 } path ? path : HarnessKubeconfig;

    /// <summary>The tool as a user runs it: this configuration's build of src/CloudMart.Cli.</summary>
    public static string CloudmartDll { get; } = Path.Combine(TestMachine.RepositoryRoot, "src", "CloudMart.Cli", "bin", TestMachine.Configuration, "net10.0", "cloudmart.dll");

    public static string Repo(params string[] parts) => Path.Combine([TestMachine.RepositoryRoot, .. parts]);

    /// <summary>Fails, with what to do, when no cluster answers at the kubeconfig.</summary>
    public static async Task<RealCluster> ConnectAsync()
    {
        if (!File.Exists(Kubeconfig))
        {
            throw new InvalidOperationException($"no cluster for the cluster tests: {Kubeconfig} does not exist. Start one with `{UpCommand}` (or set CLOUDMART_KUBECONFIG).");
        }
        var cluster = new RealCluster();
        var ready = await cluster.KubectlAsync(TimeSpan.FromSeconds(20), "get", "--raw", "/readyz");
        if (ready.ExitCode != 0)
        {
            throw new InvalidOperationException($"no cluster answers at {Kubeconfig} ({ready.Output.Trim()}). Start one with `{UpCommand}`.");
        }
        var nodes = await cluster.KubectlAsync(TimeSpan.FromSeconds(20), "get", "nodes", "--no-headers");
        if (!nodes.StandardOutput.Contains(" Ready ", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the cluster at {Kubeconfig} has no Ready node:\n{nodes.Output}\nRestart it with `{UpCommand}`.");
        }
        return cluster;
    }

    public Task<ProgramResult> KubectlAsync(params string[] args) => KubectlAsync(TimeSpan.FromSeconds(90), args);

    public Task<ProgramResult> KubectlAsync(TimeSpan timeout, params string[] args) =>
        ProgramRun.RunAsync("kubectl", ["--kubeconfig", Kubeconfig, .. args], timeout, workingDirectory: TestMachine.RepositoryRoot);

    /// <summary>kubectl that must succeed; its stdout.</summary>
    public async Task<string> MustAsync(params string[] args)
    {
        var result = await KubectlAsync(args);
        Assert.True(result.ExitCode == 0, $"kubectl {string.Join(' ', args)} exited {result.ExitCode}:\n{result.Output}");
        return result.StandardOutput;
    }

    public Task<ProgramResult> ApplyAsync(string yaml) =>
        ProgramRun.RunAsync("kubectl", ["--kubeconfig", Kubeconfig, "apply", "-f", "-"], TimeSpan.FromSeconds(90), input: yaml);

    /// <summary>The real cloudmart process, as a learner or a trainer runs it.</summary>
    public static Task<ProgramResult> CloudmartAsync(TimeSpan timeout, params string[] args) =>
        ProgramRun.RunAsync("dotnet", [CloudmartDll, .. args], timeout, workingDirectory: TestMachine.RepositoryRoot,
            environment: new Dictionary<string, string> { ["NO_COLOR"] = "1", ["TERM"] = "dumb" });

    public static JsonElement Json(ProgramResult result)
    {
        try
        {
            using var document = JsonDocument.Parse(result.StandardOutput);
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"not JSON ({ex.Message}): exit {result.ExitCode}\n{result.Output}", ex);
        }
    }

    /// <summary>Deletes the namespaces and waits until they are gone (their pods stopped, the database's claim released).</summary>
    public async Task DeleteNamespacesAsync(params string[] namespaces)
    {
        // kubectl's own limit, with room for it to report: a pod that drains slowly (a starved CPU)
        // holds its namespace until its grace period ends.
        var result = await KubectlAsync(TimeSpan.FromSeconds(200), ["delete", "namespace", .. namespaces, "--ignore-not-found", "--wait=true", "--timeout=180s"]);
        Assert.True(result.ExitCode == 0, $"kubectl delete namespace {string.Join(' ', namespaces)} exited {result.ExitCode}:\n{result.Output}");
    }

    /// <summary>Asks until <paramref name="probe"/> gives a value, every <paramref name="every"/>, at most <paramref name="limit"/>; null when it never did.</summary>
    public static async Task<T?> PollAsync<T>(TimeSpan limit, TimeSpan every, Func<Task<T?>> probe)
        where T : class
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }
            if (clock.Elapsed > limit)
            {
                return null;
            }
            await Task.Delay(every);
        }
    }
}
