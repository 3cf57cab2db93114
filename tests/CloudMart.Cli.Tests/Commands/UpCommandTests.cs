using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Spectre.Console.Testing;

namespace CloudMart.Cli.Tests.Commands;

public sealed partial class UpCommandTests : IDisposable
{
    readonly TempFolder _folder = new();
    readonly TestConsole _console = new();

    public UpCommandTests()
    {
        _console.Profile.Width = 250;
    }

    public void Dispose()
    {
        _console.Dispose();
        _folder.Dispose();
    }

    string State => Path.Combine(_folder.Path, "state");

    /// <summary>The folder of the run these tests start: named after its gateway port, as up names it.</summary>
    string RunFolder(LabPorts ports) => new LabRuns(State).Folder(LabRuns.NameFor(ports));

    string DefaultRun => new LabRuns(State).Folder(LabRuns.DefaultName);

    Task<int> Invoke(UpEnvironment environment, params string[] args)
    {
        var root = new RootCommand("test") { UpCommand.Create(_console, environment) };
        return CliInvocation.InvokeAsync(root, args, _console);
    }

    [Fact]
    public async Task Without_nginx_on_a_machine_where_it_cannot_be_installed_up_says_how_to_install_it_and_exits_nginx_missing()
    {
        var environment = CliMachines.Up(TestMachine.NoNginx(_folder.Path), State);

        var code = await UpCommand.RunAsync(new UpSettings(), _console, environment, CancellationToken.None);

        Assert.Equal(ExitCodes.NginxMissing, code);
        Assert.Contains("nginx is not installed", _console.Output);
        Assert.Contains("sudo apt-get install nginx-light", _console.Output);
        Assert.False(Directory.Exists(Path.Combine(DefaultRun, "logs")) && Directory.EnumerateFiles(Path.Combine(DefaultRun, "logs"), "*-service.log").Any(),
            "no service may be started without a gateway");
    }

    [Fact]
    public async Task Without_nginx_as_root_on_a_machine_that_is_not_Debian_up_does_not_try_apt_get_and_says_how_to_install_it()
    {
        var aptGet = _folder.File("apt-get", "#!/bin/sh\ntouch \"$0.ran\"\nexit 0\n", executable: true);
        var environment = CliMachines.Up(TestMachine.NoNginx(_folder.Path, isRoot: true, aptGet: aptGet), State);

        var code = await UpCommand.RunAsync(new UpSettings(), _console, environment, CancellationToken.None);

        Assert.Equal(ExitCodes.NginxMissing, code);
        Assert.False(File.Exists(aptGet + ".ran"));
        Assert.Contains("apt-get install nginx-light", _console.Output);
    }

    [Fact]
    public async Task Without_nginx_as_root_on_Debian_up_installs_it_with_apt_get_and_reports_a_failed_install_with_its_log()
    {
        var aptGet = _folder.File("apt-get", "#!/bin/sh\necho \"apt-get $*\" >> \"$0.calls\"\necho 'E: Unable to locate package' >&2\nexit 100\n", executable: true);
        var marker = _folder.File("debian_version", "12.0\n");
        var environment = CliMachines.Up(TestMachine.NoNginx(_folder.Path, isRoot: true, aptGet: aptGet, debianMarker: marker), State);

        var code = await UpCommand.RunAsync(new UpSettings(), _console, environment, CancellationToken.None);

        Assert.Equal(ExitCodes.NginxMissing, code);
        var calls = File.ReadAllLines(aptGet + ".calls");
        Assert.Equal("apt-get update", calls[0]);
        Assert.Contains("apt-get install -y --no-install-recommends nginx-light", calls);
        Assert.Contains("installing it with apt-get", _console.Output);
        Assert.Contains("Installing nginx failed", _console.Output);
        Assert.Contains("Unable to locate package", File.ReadAllText(Path.Combine(DefaultRun, "logs", "nginx-install.log")));
    }

    [Fact]
    public async Task A_CLOUDMART_NGINX_that_names_no_file_is_reported_as_such_and_nothing_is_installed()
    {
        var aptGet = _folder.File("apt-get", "#!/bin/sh\ntouch \"$0.ran\"\nexit 0\n", executable: true);
        var marker = _folder.File("debian_version", "12.0\n");
        var environment = CliMachines.Up(new NginxSetup
        {
            ExplicitPath = Path.Combine(_folder.Path, "no-such-nginx"),
            IsRoot = true,
            AptGet = aptGet,
            DebianMarker = marker,
        }, State);

        var code = await UpCommand.RunAsync(new UpSettings(), _console, environment, CancellationToken.None);

        Assert.Equal(ExitCodes.NginxMissing, code);
        Assert.Contains("CLOUDMART_NGINX", _console.Output);
        Assert.Contains("no-such-nginx", _console.Output);
        Assert.False(File.Exists(aptGet + ".ran"));
    }

    [Fact]
    public async Task A_gateway_port_that_clashes_with_a_service_port_is_refused_before_anything_starts()
    {
        var environment = CliMachines.Up(TestMachine.NoNginx(_folder.Path), State);

        var code = await Invoke(environment, "up", "--gateway-port", "3002");

        Assert.Equal((int)ExitCodes.UsageError, code);
        Assert.Contains("3002", _console.Output);
        Assert.Contains("order-service", _console.Output);
    }

    [Fact]
    public async Task An_unknown_verb_exits_usage_error()
    {
        var environment = CliMachines.Up(TestMachine.NoNginx(_folder.Path), State);

        var code = await Invoke(environment, "donw");

        Assert.Equal((int)ExitCodes.UsageError, code);
        Assert.Contains("donw", _console.Output);
    }

    [Fact]
    public async Task Help_for_up_lists_its_options_and_exits_Success()
    {
        var environment = CliMachines.Up(TestMachine.NoNginx(_folder.Path), State);

        var code = await Invoke(environment, "up", "--help");

        Assert.Equal((int)ExitCodes.Success, code);
        foreach (var option in new[] { "--gateway-port", "--port-offset", "--data-dir", "--published", "--startup-timeout" })
        {
            Assert.Contains(option, _console.Output);
        }
    }

    [Fact]
    public async Task When_a_port_is_taken_up_names_the_port_and_who_holds_it_starts_nothing_and_exits_port_in_use()
    {
        var ports = TestMachine.FreePorts();
        var taken = ports.For("auth-service");
        using var holder = new TcpListener(IPAddress.Loopback, taken);
        holder.Start();
        // The port check comes before any process starts, so any existing file will do as nginx.
        var environment = CliMachines.Up(new NginxSetup { ExplicitPath = "/bin/true" }, State);

        var code = await UpCommand.RunAsync(new UpSettings { PortOffset = ports.Offset }, _console, environment, CancellationToken.None);

        Assert.Equal(ExitCodes.PortInUse, code);
        Assert.Contains($"port {taken}, which auth-service needs, is already in use", _console.Output);
        Assert.Contains($"pid {Environment.ProcessId}", _console.Output);
        Assert.False(File.Exists(Path.Combine(RunFolder(ports), "run.json")));
    }

    [Fact]
    public async Task When_the_gateway_exits_at_start_up_stops_every_service_it_started_and_shows_the_gateway_log()
    {
        var ports = TestMachine.FreePorts();
        var failingNginx = _folder.File("nginx", "#!/bin/sh\necho 'nginx: [emerg] pretend failure' >&2\nexit 1\n", executable: true);
        var environment = CliMachines.Up(new NginxSetup { ExplicitPath = failingNginx }, State);

        var code = await UpCommand.RunAsync(new UpSettings { PortOffset = ports.Offset, StartupTimeout = TimeSpan.FromSeconds(60) },
            _console, environment, CancellationToken.None);

        Assert.Equal(ExitCodes.StartFailed, code);
        Assert.Contains("gateway exited with code 1 while starting", _console.Output);
        Assert.Contains("pretend failure", _console.Output);
        var stopped = StoppedPids().ToList();
        Assert.Equal(6, stopped.Count);
        Assert.All(stopped, pid => Assert.False(File.Exists($"/proc/{pid}/stat") && ProcessInfo.CommandLine(pid).Contains(State, StringComparison.Ordinal),
            $"pid {pid} still runs"));
        foreach (var service in CloudMart.Catalog.ServiceCatalog.Services)
        {
            Assert.True(PortCheck.IsFree(ports.For(service)), $"{service.Name}'s port {ports.For(service)} is still held");
        }
    }

    [Fact]
    public async Task Up_runs_the_whole_system_shows_each_component_and_stops_them_all_when_told()
    {
        var ports = TestMachine.FreePorts();
        var environment = CliMachines.Up(TestMachine.RealNginx, State);
        using var stop = new CancellationTokenSource();
        var run = UpCommand.RunAsync(new UpSettings { PortOffset = ports.Offset }, _console, environment, stop.Token);

        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!_console.Output.Contains("CloudMart is ready", StringComparison.Ordinal) && !run.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        Assert.False(run.IsCompleted, "up ended before it was ready:\n" + _console.Output);
        Assert.Contains("CloudMart is ready", _console.Output);
        Assert.Contains("warm-up requests      done", _console.Output);
        foreach (var component in CloudMart.Catalog.ServiceCatalog.All)
        {
            Assert.Contains($"http://127.0.0.1:{ports.For(component)}", _console.Output);
            Assert.Contains(Path.Combine(RunFolder(ports), "logs", component.Name + ".log"), _console.Output);
        }
        var record = RunRecord.Read(Path.Combine(RunFolder(ports), "run.json"));
        Assert.NotNull(record);
        Assert.Equal(6, record.Components.Count);
        Assert.True(record.Ready);

        // A second up of the same run is refused with its own exit code, and the first keeps running.
        using var second = new TestConsole();
        Assert.Equal(ExitCodes.AlreadyRunning, await UpCommand.RunAsync(new UpSettings { PortOffset = ports.Offset }, second, environment, CancellationToken.None));
        Assert.Contains("already up", second.Output);

        stop.Cancel();
        var code = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("Everything was stopped.", _console.Output);
        Assert.Empty(record.Survivors);
        Assert.False(File.Exists(Path.Combine(RunFolder(ports), "run.json")));
    }

    IEnumerable<int> StoppedPids() =>
        StoppedLine().Matches(_console.Output).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

    [GeneratedRegex(@"(?:stopped|killed) \S+ \(pid (\d+)\)")]
    private static partial Regex StoppedLine();
}
