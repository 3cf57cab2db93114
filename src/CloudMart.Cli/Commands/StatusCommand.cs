using System.Globalization;
using System.Text.Json;

namespace CloudMart.Cli.Commands;

/// <summary><c>status</c>: what runs, each component's address, pid and health (<see cref="HealthProbe"/>), from any terminal.</summary>
public static class StatusCommand
{
    /// <summary>How long status waits for each /health by default: all are asked at once, so status answers in under a second.</summary>
    static readonly TimeSpan HealthWait = TimeSpan.FromMilliseconds(800);

    public static Command Create(CliConsoles consoles, LabEnvironment environment)
    {
        var name = RunSelection.NameOption("The run to show [default: every run]");
        var wait = OptionValues.Duration("--timeout", "How long to wait for each component's /health answer, all at once [default: 800ms]");
        var output = OutputFormat.Create();
        var command = new Command("status", "Show what runs: each run's components, their addresses and pids, whether they answer /health, and since when. Answers in under a second.")
        {
            name, wait, output.Format, output.JsonAlias,
        };
        command.SetAction(async (parse, _) =>
        {
            var healthWait = parse.GetValue(wait) ?? HealthWait;
            IReadOnlyList<LabRun> runs = parse.GetValue(name) is { } one ? [environment.Runs.Get(one)] : environment.Runs.All();
            var up = runs.Where(r => r.IsUp).ToList();
            var rows = (await Task.WhenAll(up.SelectMany(r => r.Record!.Components.Select(c => Row(r, c, c.Name, healthWait)).Concat(r.Record.Observers.Select(c => Row(r, c, null, healthWait)))))).ToList();
            if (output.IsJson(parse))
            {
                consoles.Out.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(rows, CliJson.Default.ListStatusRow));
            }
            else if (rows.Count == 0)
            {
                consoles.Error.MarkupLine(parse.GetValue(name) is { } n ? $"Run '{Markup.Escape(n)}' is not up." : "No run is up; 'cloudmart up' starts one.");
            }
            else
            {
                consoles.Out.Write(StatusTable(consoles.Out, rows));
            }
            return (int)(up.Count > 0 ? ExitCodes.Success : ExitCodes.NotRunning);
        });
        return command;
    }

    /// <param name="component">The name its health answer must carry (see <see cref="HealthProbe"/>); null for a program up --observe runs beside the system.</param>
    static async Task<StatusRow> Row(LabRun run, RunRecordComponent record, string? component, TimeSpan wait)
    {
        var health = record.IsAlive ? Health(await HealthProbe.ProbeAsync(HealthProbe.UrlOf(record.Url, record.HealthPath), component, wait)) : "exited";
        return new StatusRow(run.Name, record.Name, record.Url, record.Pid, record.IsAlive ? "running" : "exited", health, run.Record!.Started);
    }

    static string Health(HealthAnswer answer) => answer switch
    {
        { Healthy: true } => "healthy",
        { StatusCode: { } code } => $"unhealthy ({code})",
        _ => "no answer",
    };

    static Table StatusTable(IAnsiConsole console, IReadOnlyList<StatusRow> rows)
    {
        var table = new Table().Boxed(console)
            .AddColumn("Run").AddColumn("Component").AddColumn("URL").AddColumn(new TableColumn("PID").RightAligned()).AddColumn("State").AddColumn("Health").AddColumn("Since");
        foreach (var row in rows)
        {
            var colour = row.Health == "healthy" ? "green" : "red";
            table.AddRow(Markup.Escape(row.Run), Markup.Escape(row.Component), Markup.Escape(row.Url), row.Pid.ToString(CultureInfo.InvariantCulture),
                row.State, $"[{colour}]{Markup.Escape(row.Health)}[/]", row.Since.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        }
        return table;
    }
}

/// <summary>One component of a run as <c>status</c> shows it.</summary>
public sealed record StatusRow(string Run, string Component, string Url, int Pid, string State, string Health, DateTimeOffset Since);
