using System.Text.RegularExpressions;
using CloudMart.Catalog;
using CloudMart.Lab;

namespace CloudMart.Images.Tests;

/// <summary>
/// tests/images/arm64-proof.sh, its default run: the five services published for linux-arm64 and run
/// under qemu-user, and the database-service once more with native AOT. The script's publish cache
/// (/var/cache/cloudmart-stand-ins/arm64-publish) makes a run with unchanged sources take minutes;
/// a cold one publishes everything again (about half an hour on a loaded 2-core machine).
/// </summary>
public sealed partial class Arm64ProofTests
{
    static readonly LabRepository Repo = LabRepository.Find(AppContext.BaseDirectory);

    static readonly string[] Services = ["api-service", "auth-service", "order-service", "database-service", "notification-service"];

    [GeneratedRegex(@"^arm64: PASS (?<service>\S+) (?<mode>jit|aot) (?<checks>.+)$", RegexOptions.Multiline)]
    private static partial Regex PassLine();

    [Fact]
    public void The_five_services_answer_health_under_qemu_for_linux_arm64_and_the_database_service_stores_an_order_jit_and_aot()
    {
        Assert.True(Environment.IsPrivilegedProcess,
            "tests/images/arm64-proof.sh needs root (debootstrap, apt-get, the cache in /var/cache): run the tests as root");
        var script = Path.Combine(Repo.Root, "tests", "images", "arm64-proof.sh");

        var result = ProgramRun.Run(script, [], TimeSpan.FromMinutes(75), workingDirectory: Repo.Root);

        Assert.True(result.ExitCode == 0, $"arm64-proof.sh failed ({result.ExitCode}):\n{result.Output}");
        var passed = PassLine().Matches(result.StandardOutput)
            .ToDictionary(m => (m.Groups["service"].Value, m.Groups["mode"].Value),
                m => m.Groups["checks"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet());
        foreach (var service in Services)
        {
            Assert.True(passed.TryGetValue((service, "jit"), out var checks),
                $"no 'arm64: PASS {service} jit' line:\n{result.StandardOutput}");
            Assert.Contains("health", checks);
        }
        Assert.Contains("order-stored", passed[("database-service", "jit")]);
        Assert.True(passed.TryGetValue(("database-service", "aot"), out var aot),
            $"no 'arm64: PASS database-service aot' line:\n{result.StandardOutput}");
        Assert.Equal(["health", "libm-needed", "order-stored", "sqlite-beside"], aot.Order(StringComparer.Ordinal));
    }
}
