using System.Reflection;

namespace CloudMart.Lab;

/// <summary>
/// What <c>up --observe</c> runs beside the system: the Aspire Dashboard (from the NuGet package a
/// restore of this library downloads) as the OTLP receiver, and Debian's Prometheus with the lab's
/// alert rules.
/// </summary>
public sealed record ObserveSetup
{
    /// <summary>Debian's package; other systems name it the same.</summary>
    public const string PrometheusPackage = "prometheus";

    /// <summary>The dashboard's executable (a native program in the package's tools folder).</summary>
    public required string DashboardPath { get; init; }

    public required string PrometheusPath { get; init; }

    /// <summary>The rule files Prometheus evaluates: the lab's alert rules unless a test gives others.</summary>
    public required IReadOnlyList<string> RuleFiles { get; init; }

    /// <summary>How often Prometheus scrapes and evaluates the rules.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The programs on this machine, with the repository's alert rules. Throws a
    /// <see cref="LabStartException"/> naming what is missing and how to get it.
    /// </summary>
    public static ObserveSetup FromMachine(LabLayout layout)
    {
        var dashboard = DashboardExecutable();
        if (!File.Exists(dashboard))
        {
            throw new LabStartException(LabFailure.BinaryMissing,
                $"the Aspire Dashboard is not at {dashboard}; 'dotnet restore src/CloudMart.Lab' downloads it", ObserveStack.DashboardName);
        }
        var prometheus = FindOnPath(PrometheusPackage) ?? throw new LabStartException(LabFailure.BinaryMissing,
            $"prometheus is not installed; install it with 'sudo apt-get install {PrometheusPackage}'", ObserveStack.PrometheusName);
        return new ObserveSetup
        {
            DashboardPath = dashboard,
            PrometheusPath = prometheus,
            RuleFiles = [Path.Combine(layout.RepositoryRoot, PrometheusConfig.AlertRulesPath)],
        };
    }

    /// <summary>Where the restore put the dashboard: the package folder is compiled into this assembly by its project file.</summary>
    public static string DashboardExecutable()
    {
        var folder = typeof(ObserveSetup).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .First(a => a.Key == "AspireDashboardFolder").Value!;
        return Path.Combine(folder, "tools", "Aspire.Dashboard");
    }

    static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin")
            .Select(folder => Path.Combine(folder, program))
            .FirstOrDefault(File.Exists);
}
