using System.CommandLine;
using System.Numerics;
using System.Runtime.InteropServices;

namespace CloudMart.Benchmark;

static class Program
{
    static readonly Option<string?> RepositoryOption = new("--repository")
    {
        Description = "The CloudMart checkout [default: the one holding the current folder]",
        HelpName = "folder",
    };

    static readonly Option<double> WarmupOption = Ranged("--warmup", 30.0, 0, 3600, "seconds",
        "Seconds of orders at the highest level before measuring (shorten it for a smoke run)");

    static readonly Option<double> DurationOption = Ranged("--duration", 15.0, 1, 600, "seconds",
        "Seconds of each level and each reference");

    static readonly Option<string> ConnectionsOption = Parsed<string>("--connections", "list",
        "The levels: wrk connections, comma-separated", text => ParseConnections(text ?? ""), "1,16,64");

    static readonly Option<int> ReferenceConnectionsOption = Ranged("--reference-connections", 64, 1, 10_000, "n",
        "Connections of the references (nginx /health, auth-service /health) and of the telemetry-off pass");

    static readonly Option<int> ThreadsOption = Ranged("--threads", 2, 1, 64, "n", "wrk threads (wrk -t)");

    static readonly Option<int?> PortOffsetOption = new("--port-offset")
    {
        Description = "Added to every component's local port [default: the first free range from 20000 up]",
        HelpName = "n",
    };

    static readonly Option<bool> NoTelemetryOffOption = new("--no-telemetry-off")
    {
        Description = "Skip the second pass with OTEL_SDK_DISABLED=true",
    };

    static readonly Option<bool> DurabilityOption = new("--durability")
    {
        Description = "Also kill -9 the database-service under load and check every acknowledged order after a restart",
    };

    static readonly Option<int> StartupRepeatsOption = Ranged("--startup-repeats", 3, 0, 50, "n",
        "Times each service is started alone to time its start-up (0 skips it)");

    static readonly Option<string[]> EnvOption = Parsed<string[]>("--env", "NAME=VALUE",
        "NAME=VALUE: an extra environment variable for all five services (repeatable), to try a runtime knob",
        assignments => ParseEnvironment(assignments ?? []));

    static readonly Option<string?> OutputOption = new("--output")
    {
        Description = "Folder of the results and the run's logs [default: artifacts/bench]",
        HelpName = "folder",
    };

    static async Task<int> Main(string[] args)
    {
        var console = AnsiConsole.Console;
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = 200;
        }
        var root = new RootCommand("CloudMart's benchmark: starts the published system on ports of its own, drives POST /api/orders through nginx with wrk, and reports throughput, latency, CPU per order, memory and start-up (docs/benchmark.md). Run it with ./bench/run.")
        {
            RepositoryOption, WarmupOption, DurationOption, ConnectionsOption, ReferenceConnectionsOption, ThreadsOption,
            PortOffsetOption, NoTelemetryOffOption, DurabilityOption, StartupRepeatsOption, EnvOption, OutputOption,
        };
        root.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new BenchmarkSettings
            {
                RepositoryRoot = parse.GetValue(RepositoryOption) is { Length: > 0 } repository
                    ? Path.GetFullPath(repository) : LabRepository.Find(Environment.CurrentDirectory).Root,
                Warmup = TimeSpan.FromSeconds(parse.GetValue(WarmupOption)),
                Duration = TimeSpan.FromSeconds(parse.GetValue(DurationOption)),
                Connections = ParseConnections(parse.GetValue(ConnectionsOption)!),
                ReferenceConnections = parse.GetValue(ReferenceConnectionsOption),
                WrkThreads = parse.GetValue(ThreadsOption),
                PortOffset = parse.GetValue(PortOffsetOption),
                TelemetryOffPass = !parse.GetValue(NoTelemetryOffOption),
                DurabilityCheck = parse.GetValue(DurabilityOption),
                StartupRepeats = parse.GetValue(StartupRepeatsOption),
                OutputDirectory = parse.GetValue(OutputOption),
                ExtraEnvironment = ParseEnvironment(parse.GetValue(EnvOption) ?? []),
            };
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            // Ctrl-C, SIGTERM or a closed terminal stop the run; what it started is then stopped too.
            var registrations = new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGQUIT, PosixSignal.SIGHUP }
                .Select(signal => PosixSignalRegistration.Create(signal, context =>
                {
                    context.Cancel = true;
                    stop.Cancel();
                })).ToList();
            try
            {
                return await new BenchmarkRunner(settings, console).RunAsync(stop.Token);
            }
            finally
            {
                registrations.ForEach(r => r.Dispose());
            }
        });

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                console.MarkupLineInterpolated($"[red]error:[/] {error.Message}");
            }
            console.MarkupLine("Run './bench/run --help' for the options.");
            return 2;
        }
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    /// <summary>A number option whose bounds are checked when the command line is parsed.</summary>
    static Option<T> Ranged<T>(string name, T defaultValue, T min, T max, string helpName, string description)
        where T : struct, INumber<T>
    {
        var option = new Option<T>(name) { Description = description, HelpName = helpName, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<T>();
            if (value < min || value > max)
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} must be from {min} to {max}, not {value}."));
            }
        });
        return option;
    }

    /// <summary>An option whose text <paramref name="parse"/> must accept (it throws a FormatException naming the bad value).</summary>
    static Option<T> Parsed<T>(string name, string helpName, string description, Action<T?> parse, T? defaultValue = default)
    {
        var option = new Option<T>(name) { Description = description, HelpName = helpName, AllowMultipleArgumentsPerToken = false };
        if (defaultValue is not null)
        {
            option.DefaultValueFactory = _ => defaultValue;
        }
        option.Validators.Add(result =>
        {
            try
            {
                parse(result.GetValueOrDefault<T>());
            }
            catch (FormatException ex)
            {
                result.AddError(ex.Message);
            }
        });
        return option;
    }

    /// <summary>"1,16,64" → [1, 16, 64]: distinct, ascending, each from 1 to 10000.</summary>
    internal static int[] ParseConnections(string text)
    {
        var levels = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 1 or > 10_000)
            {
                throw new FormatException($"--connections takes numbers from 1 to 10000 separated by commas, not '{text}'.");
            }
            levels.Add(n);
        }
        if (levels.Count == 0)
        {
            throw new FormatException("--connections needs at least one level.");
        }
        return [.. levels.Distinct().Order()];
    }

    /// <summary>["A=1", "B=x=y"] → {A: 1, B: x=y}; the name must be a plain environment variable name.</summary>
    internal static Dictionary<string, string> ParseEnvironment(IEnumerable<string> assignments)
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var assignment in assignments)
        {
            var equals = assignment.IndexOf('=');
            var name = equals > 0 ? assignment[..equals] : "";
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') || char.IsAsciiDigit(name[0]))
            {
                throw new FormatException($"--env takes NAME=VALUE with a name of letters, digits and underscores, not '{assignment}'.");
            }
            variables[name] = assignment[(equals + 1)..];
        }
        return variables;
    }
}
