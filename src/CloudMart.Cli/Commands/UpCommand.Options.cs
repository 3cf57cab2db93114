using System.CommandLine.Parsing;

namespace CloudMart.Cli.Commands;

public static partial class UpCommand
{
    public static Command Create(IAnsiConsole console, UpEnvironment environment, IAnsiConsole? error = null)
    {
        var options = new UpOptions();
        var command = new Command("up", "Start CloudMart here: the five services and nginx as the gateway on http://127.0.0.1:8080. Ctrl-C stops everything.")
        {
            options.GatewayPort, options.PortOffset, options.DataDir, options.Published, options.StartupTimeout,
            options.Name, options.Detach, options.Fresh, options.Fault, options.Observe,
        };
        command.Validators.Add(options.CheckPorts);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = options.Read(parse);
            if (settings.Detach)
            {
                return (int)await DetachedUp.RunAsync(settings, args: parse.Tokens.Select(t => t.Value), error ?? console, environment, cancellationToken);
            }
            using var signals = ShutdownSignals.Listen(cancellationToken);
            return (int)await RunAsync(settings, console, environment, signals.Token, error);
        });
        return command;
    }

    /// <summary>The options of <c>up</c>, and how they become its <see cref="UpSettings"/>.</summary>
    sealed class UpOptions
    {
        public UpOptions()
        {
            GatewayPort = OptionValues.Count("--gateway-port",
                $"The port the gateway listens on, on 127.0.0.1 [default: {ServiceCatalog.Gateway.LocalPort}, moved by --port-offset]", 1, 65535);
            GatewayPort.HelpName = "port";
            PortOffset = OptionValues.Count("--port-offset",
                "Added to every component's local port (3000-3004 and 8080), to run beside another CloudMart [default: 0]", 0, 65535);
            DataDir = DataDirOption();
            Published = new Option<bool>("--published")
            {
                Description = $"Run the Native AOT binaries published under {ServiceBinaries.DefaultPublishFolder}/SERVICE/ (as the images ship) instead of the dotnet build",
            };
            StartupTimeout = OptionValues.Count("--startup-timeout", "Seconds every component together may take to answer /health [default: 60]", 1, 3600);
            StartupTimeout.HelpName = "seconds";

            Name = RunSelection.NameOption("The run's name: its folder under .cloudmart/runs/, which the other verbs take [default: 'default', or port-GATEWAYPORT off the default ports]");
            Detach = new Option<bool>("--detach", "-d") { Description = "Start in the background and return once everything is healthy; 'cloudmart down' stops it" };
            Fresh = new Option<bool>("--fresh") { Description = "Start with an empty database: the run's orders are deleted first" };

            Fault = FaultOption();
            Observe = new Option<bool>("--observe")
            {
                Description = $"Also run the Aspire Dashboard (traces, logs; on port {ObservePorts.DashboardBase}) and Prometheus (metrics, the lab's alert rules; on {ObservePorts.PrometheusBase}), both moved by --port-offset",
            };
        }

        public Option<int?> GatewayPort { get; }

        public Option<int?> PortOffset { get; }

        public Option<string?> DataDir { get; }

        public Option<bool> Published { get; }

        public Option<int?> StartupTimeout { get; }

        public Option<string?> Name { get; }

        public Option<bool> Detach { get; }

        public Option<bool> Fresh { get; }

        public Option<string[]> Fault { get; }

        public Option<bool> Observe { get; }

        /// <summary>The gateway port and the offset together must leave every component a port.</summary>
        public void CheckPorts(CommandResult result)
        {
            if (!(result.TryGet(PortOffset, out var offset) && result.TryGet(GatewayPort, out var port)))
            {
                return; // a value that is not a number: its own error says so
            }
            var ports = new LabPorts(offset ?? 0, port);
            if (ports.Problem() is { } problem)
            {
                result.AddError(port is { } gateway
                    ? $"--gateway-port '{gateway}' with --port-offset '{ports.Offset}' does not fit: {problem}."
                    : $"--port-offset '{ports.Offset}' does not fit: {problem}.");
            }
        }

        public UpSettings Read(ParseResult parse) => new()
        {
            GatewayPort = parse.GetValue(GatewayPort),
            PortOffset = parse.GetValue(PortOffset) ?? 0,
            DataDirectory = parse.GetValue(DataDir),
            Published = parse.GetValue(Published),
            StartupTimeout = TimeSpan.FromSeconds(parse.GetValue(StartupTimeout) ?? 60),
            Name = parse.GetValue(Name),
            Detach = parse.GetValue(Detach),
            Fresh = parse.GetValue(Fresh),
            Faults = LabFaultSelection.Parse(parse.GetValue(Fault) ?? [], out _),
            Observe = parse.GetValue(Observe),
        };

        static Option<string?> DataDirOption()
        {
            var dataDir = new Option<string?>("--data-dir")
            {
                Description = $"Where the database-service keeps its SQLite file [default: {LabLayout.DefaultStateFolder}/data]",
                HelpName = "folder",
            };
            dataDir.Validators.Add(result =>
            {
                if (result.GetValueOrDefault<string?>() is { } folder && (folder.Length == 0 || File.Exists(folder)))
                {
                    result.AddError($"--data-dir must be a folder, and '{folder}' is {(folder.Length == 0 ? "empty" : "a file")}.");
                }
            });
            return dataDir;
        }

        static Option<string[]> FaultOption()
        {
            var fault = new Option<string[]>("--fault")
            {
                Description = $"Put lab fault N back as shipped, to practise without a cluster: {string.Join(", ", LabFaultSelection.Available)} or all (repeatable)",
                HelpName = "N",
            };
            fault.Validators.Add(result =>
            {
                LabFaultSelection.Parse(result.GetValueOrDefault<string[]>() ?? [], out var problem);
                if (problem is not null)
                {
                    result.AddError(problem + ".");
                }
            });
            return fault;
        }
    }
}
