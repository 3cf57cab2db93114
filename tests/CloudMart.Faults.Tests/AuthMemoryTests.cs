using CloudMart.Lab;

namespace CloudMart.Faults.Tests;

/// <summary>The auth-service published the way its image is: native AOT, Release.</summary>
public sealed class PublishedAuthService : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("cloudmart-auth-aot-").FullName;

    public PublishedAuthService()
    {
        var publish = ProgramRun.Run("dotnet",
            ["publish", Path.Combine(TestMachine.Repository.ServiceDir("auth-service"), "AuthService.csproj"), "-c", "Release", "-o", _dir, "--nologo", "-v", "q"],
            TimeSpan.FromMinutes(8));
        if (publish.ExitCode != 0 || !File.Exists(Binary))
        {
            throw new InvalidOperationException($"publishing the auth-service failed:\n{publish.Output}");
        }
    }

    public string Binary => Path.Combine(_dir, "auth-service");

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

/// <summary>
/// Fault 6: the auth-service's memory need under load is real and bounded (its session cache),
/// about 80 MiB. In a 64 MiB memory cgroup the kernel kills it; in 128 MiB it stays up, flat.
/// </summary>
public sealed class AuthMemoryTests(PublishedAuthService published, ITestOutputHelper output) : IClassFixture<PublishedAuthService>
{
    static readonly TimeSpan LoadTime = TimeSpan.FromSeconds(8);

    /// <summary>The auth-service's SessionCache.DefaultCapacity (this project does not reference the service's assembly).</summary>
    const int CacheCapacity = 72;

    /// <summary>The guide's 20-order loop, run three times.</summary>
    const int GuideOrders = 60;

    [Fact]
    public async Task Fault_6_with_a_64_MiB_limit_the_guides_loop_run_three_times_is_enough_for_the_oom_kill()
    {
        using var run = await StartAsync(limitMiB: 64);

        // One guest validation per order, one order after the other, as the api-service asks for each.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var answered = 0;
        for (var i = 0; i < GuideOrders && !run.Auth.HasExited; i++)
        {
            try
            {
                using var response = await http.PostAsJsonAsync($"http://127.0.0.1:{run.Port}/auth/validate", new { token = (string?)null });
                answered++;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                break;
            }
        }

        await AssertOomKilledAsync(run, $"the auth-service survived {GuideOrders} guest checkouts at 64 MiB");
        output.WriteLine($"OOM-killed after {answered} guest validations");
    }

    [Fact]
    public async Task Fault_6_with_a_64_MiB_limit_the_kernel_oom_kills_the_auth_service_under_load()
    {
        using var run = await StartAsync(limitMiB: 64);
        var samples = await LoadAsync(run);

        await AssertOomKilledAsync(run, "the auth-service survived a 64 MiB limit: " + string.Join(", ", samples));
        Assert.DoesNotContain(run.Auth.Lines, l => l.Contains("OutOfMemoryException", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fault_6_with_a_128_MiB_limit_the_auth_service_stays_up_under_the_same_load_and_its_memory_levels_off()
    {
        using var run = await StartAsync(limitMiB: 128);
        var samples = await LoadAsync(run);

        Assert.False(run.Auth.HasExited, "the auth-service died within 128 MiB: " + string.Join(", ", samples));
        Assert.Equal(0, run.Cgroup.OomKills);
        var peak = samples.Max();
        Assert.InRange(peak, 60, 127);

        // Flat: the last third of the run holds no more than the middle third, give or take a GC cycle.
        var third = samples.Count / 3;
        var middle = samples.Skip(third).Take(third).Max();
        var last = samples.Skip(2 * third).Max();
        Assert.True(last <= middle + 16, "memory kept rising: " + string.Join(", ", samples));

        using var http = new HttpClient();
        var metrics = await http.GetStringAsync($"http://127.0.0.1:{run.Port}/metrics");
        Assert.Contains($"cloudmart_auth_sessions{{otel_scope_name=\"CloudMart\"}} {CacheCapacity}", metrics);
    }

    /// <summary>The published auth-service in a memory cgroup of its own with the given limit, started and healthy.</summary>
    async Task<LimitedAuth> StartAsync(int limitMiB)
    {
        var cgroup = MemoryCgroup.Create($"cloudmart-test-{Guid.NewGuid():N}", limitMiB);
        var port = LoopbackServer.FreePort();
        var run = new LimitedAuth(cgroup, port, cgroup.Start(published.Binary, new Dictionary<string, string> { ["PORT"] = port.ToString(CultureInfo.InvariantCulture) }));
        try
        {
            await run.Auth.WaitHealthyAsync(port, TimeSpan.FromSeconds(10));
            return run;
        }
        catch
        {
            run.Dispose();
            throw;
        }
    }

    /// <summary>The kernel's OOM killer ended the auth-service: SIGKILL (exit 128 + 9) and the cgroup counted the kill.</summary>
    static async Task AssertOomKilledAsync(LimitedAuth run, string survived)
    {
        Assert.True(await run.Auth.WaitForExitAsync(TimeSpan.FromSeconds(5)), survived);
        Assert.Equal(128 + 9, run.Auth.ExitCode);
        Assert.True(run.Cgroup.OomKills >= 1, "the kernel's OOM killer did not act");
    }

    sealed record LimitedAuth(MemoryCgroup Cgroup, int Port, ServiceProcess Auth) : IDisposable
    {
        public void Dispose()
        {
            Auth.Dispose();
            Cgroup.Dispose();
        }
    }

    /// <summary>Guest validations from 16 concurrent clients for <see cref="LoadTime"/>, sampling the process's RSS (MiB) every 250 ms.</summary>
    async Task<List<int>> LoadAsync(LimitedAuth run)
    {
        var (port, auth) = (run.Port, run.Auth);
        using var stop = new CancellationTokenSource(LoadTime);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var url = $"http://127.0.0.1:{port}/auth/validate";
        long requests = 0;
        var clients = Enumerable.Range(0, 16).Select(async _ =>
        {
            while (!stop.IsCancellationRequested && !auth.HasExited && Interlocked.Read(ref requests) < 2_000_000)
            {
                try
                {
                    using var response = await http.PostAsJsonAsync(url, new { token = (string?)null }, stop.Token);
                    Interlocked.Increment(ref requests);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    if (auth.HasExited)
                    {
                        return;
                    }
                }
            }
        }).ToList();

        var samples = new List<int>();
        while (!stop.IsCancellationRequested && !auth.HasExited)
        {
            if (ResidentMiB(auth.Pid) is { } rss)
            {
                samples.Add(rss);
            }
            await Task.Delay(250);
        }
        await Task.WhenAll(clients);
        output.WriteLine($"{requests} validations; RSS MiB every 250 ms: {string.Join(", ", samples)}");
        return samples;
    }

    static int? ResidentMiB(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : (int)(long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
