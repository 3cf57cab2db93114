using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CloudMart.Lab;

namespace CloudMart.Lab.Tests;

public sealed class ProcessTests : IDisposable
{
    readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    ChildProcess StartShell(string name, string script) =>
        ChildProcess.Start(name, new LaunchCommand("/bin/sh", ["-c", script]), new Dictionary<string, string> { ["GREETING"] = "hello" }, ["HOME"],
            Path.Combine(_folder.Path, "logs", name + ".log"), _folder.Path);

    [Fact]
    public async Task A_child_writes_stdout_and_stderr_to_its_log_gets_its_variables_and_leads_its_own_session()
    {
        using var child = StartShell("talker", "echo \"out $GREETING home=${HOME:-unset}\"; echo err >&2; cat /proc/self/stat; sleep 30");

        var clock = Stopwatch.StartNew();
        while (ChildProcess.Tail(child.LogFile, 10).Split('\n').Length < 3 && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20);
        }
        var log = ChildProcess.Tail(child.LogFile, 10).Split('\n');
        Assert.Equal("out hello home=unset", log[0]);
        Assert.Equal("err", log[1]);
        // Fields after the command name: state, ppid, pgrp, session. The launcher keeps the pid and makes it the session's leader.
        var stat = log[2][(log[2].LastIndexOf(')') + 2)..].Split(' ');
        Assert.Equal(child.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), stat[2]);
        Assert.Equal(child.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), stat[3]);
        Assert.True(await child.StopAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_child_that_ignores_SIGTERM_is_killed_after_the_grace_period_with_everything_it_started()
    {
        using var child = StartShell("stubborn", "trap '' TERM; sleep 300 & echo $! > grandchild.pid; wait");
        var grandchildFile = Path.Combine(_folder.Path, "grandchild.pid");
        var clock = Stopwatch.StartNew();
        while (!File.Exists(grandchildFile) || File.ReadAllText(grandchildFile).Trim().Length == 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "the child never started its own child");
            await Task.Delay(20);
        }
        var grandchild = int.Parse(File.ReadAllText(grandchildFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var grandchildStart = ProcessInfo.StartTicks(grandchild)!.Value;

        var clean = await child.StopAsync(TimeSpan.FromMilliseconds(500));

        Assert.False(clean);
        Assert.True(child.HasExited);
        clock.Restart();
        while (ProcessInfo.IsAlive(grandchild, grandchildStart) && clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(20);
        }
        Assert.False(ProcessInfo.IsAlive(grandchild, grandchildStart), "the grandchild outlived the stop");
    }

    [Fact]
    public async Task A_new_run_stops_the_processes_a_crashed_run_left_and_says_so()
    {
        var layout = new LabLayout(TestMachine.RepositoryRoot, Path.Combine(_folder.Path, "state"));
        var orphan = StartShell("api-service", "sleep 300");
        using var deadOwner = Process.Start(new ProcessStartInfo("/bin/true"))!;
        await deadOwner.WaitForExitAsync();
        new RunRecord(deadOwner.Id, 1, DateTimeOffset.Now,
            [new RunRecordComponent("api-service", "http://127.0.0.1:1", orphan.Pid, orphan.StartTicks, orphan.LogFile)]).Write(layout.RunFile);
        var events = new List<LabEvent>();
        var options = new LocalRunOptions
        {
            Layout = layout,
            // Nothing else may start: the run fails on the missing binaries right after the clean-up.
            Binaries = ServiceBinaries.Published(Path.Combine(_folder.Path, "nothing-published")),
            NginxPath = "/bin/true",
            Ports = TestMachine.FreePorts(),
        };

        var failure = await Assert.ThrowsAsync<LabStartException>(() => LocalRun.StartAsync(options, events.Add));

        Assert.Equal(LabFailure.BinaryMissing, failure.Failure);
        Assert.Contains("dotnet publish", failure.Message);
        Assert.Equal(new LeftoverStopped("api-service", orphan.Pid), Assert.Single(events));
        await orphan.Exited.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(File.Exists(layout.RunFile));
        orphan.Dispose();
    }

    [Fact]
    public async Task A_second_run_from_the_same_state_folder_is_refused_while_the_first_owner_lives()
    {
        var layout = new LabLayout(TestMachine.RepositoryRoot, Path.Combine(_folder.Path, "state"));
        using var owner = StartShell("owner", "sleep 300");
        new RunRecord(owner.Pid, owner.StartTicks, DateTimeOffset.Now, []).Write(layout.RunFile);
        var options = new LocalRunOptions { Layout = layout, Binaries = ServiceBinaries.Build("Debug"), NginxPath = "/bin/true", Ports = TestMachine.FreePorts() };

        var failure = await Assert.ThrowsAsync<LabStartException>(() => LocalRun.StartAsync(options));

        Assert.Equal(LabFailure.AlreadyRunning, failure.Failure);
        Assert.Contains($"pid {owner.Pid}", failure.Message);
        Assert.True(File.Exists(layout.RunFile));
        await owner.StopAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void The_holder_of_a_listening_port_is_named()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        Assert.False(PortCheck.IsFree(port));
        Assert.StartsWith($"pid {Environment.ProcessId}:", PortCheck.Holder(port));
        listener.Stop();
        Assert.True(PortCheck.IsFree(port));
    }
}
