using CloudMart.Catalog;
using CloudMart.Lab;

namespace CloudMart.Lab.Tests;

/// <summary>
/// The memory cgroup of <c>up --fault 6</c> is a kernel object that outlives the auth-service's
/// process: whichever way the run ends, nothing of it is left under /sys/fs/cgroup. Needs root, as
/// <c>--fault 6</c> itself does.
/// </summary>
public sealed class MemoryGroupCleanupTests
{
    [Fact]
    public async Task A_stopped_run_leaves_no_memory_group_behind()
    {
        await using var run = await FaultRun.StartAsync("6");
        var group = AuthGroup(run);
        var auth = run.Lab[ServiceCatalog.Auth.Name];
        Assert.Contains(auth.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllLines(Path.Combine(group, "cgroup.procs")));
        Assert.Equal((64L * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), LimitOf(group));

        // What Ctrl-C and `cloudmart down` (which signals the owning `up`) both end in.
        await run.Lab.StopAsync();

        Assert.False(Directory.Exists(group), $"{group} is still there after the run stopped");
        Assert.Null(MemoryLimit.Existing(run.Lab.Layout, ServiceCatalog.Auth));
    }

    [Fact]
    public async Task A_run_whose_up_died_has_its_memory_group_removed_with_its_leftovers()
    {
        await using var run = await FaultRun.StartAsync("6");
        var group = AuthGroup(run);
        var auth = run.Lab[ServiceCatalog.Auth.Name];

        // `down` and the next `up` clean up after an owner that is gone this way; the run stays
        // un-stopped here, as a crashed `up` leaves it.
        await LocalRun.StopLeftoversAsync(run.Lab.Layout, null);

        Assert.True(auth.Process.HasExited, "the auth-service outlived the clean-up");
        Assert.False(Directory.Exists(group), $"{group} is still there after the leftovers were stopped");
    }

    [Fact]
    public async Task A_restarted_auth_service_lands_in_the_same_group()
    {
        await using var run = await FaultRun.StartAsync("6");
        var group = AuthGroup(run);

        var fresh = await run.Lab.RestartAsync(ServiceCatalog.Auth.Name, CancellationToken.None);

        Assert.Equal(group, AuthGroup(run));
        Assert.Contains(fresh.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllLines(Path.Combine(group, "cgroup.procs")));
    }

    static string AuthGroup(FaultRun run) =>
        MemoryLimit.Existing(run.Lab.Layout, ServiceCatalog.Auth)?.Path ?? throw new InvalidOperationException("the run made no memory group for the auth-service");

    static string LimitOf(string group) =>
        File.ReadAllText(File.Exists(Path.Combine(group, "memory.max")) ? Path.Combine(group, "memory.max") : Path.Combine(group, "memory.limit_in_bytes")).Trim();
}
