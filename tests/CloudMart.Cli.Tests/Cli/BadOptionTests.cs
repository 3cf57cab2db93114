using System.CommandLine;
using System.CommandLine.Help;
using CloudMart.Cli.Commands;
using CloudMart.Cli.Tests.Support;
using Spectre.Console.Testing;

namespace CloudMart.Cli.Tests.Cli;

/// <summary>
/// Every option of every verb, given a value it cannot take: exit 2, nothing on stdout, one line
/// on stderr that names the option and the value, and no stack trace or .NET type name.
/// </summary>
public sealed class BadOptionTests : IDisposable
{
    readonly TempFolder _folder = new();

    /// <summary>One bad value per option; a new option must add its own here (the coverage test says so).</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> BadValues = new Dictionary<string, IReadOnlyDictionary<string, string>>
    {
        ["up"] = new Dictionary<string, string>
        {
            ["--gateway-port"] = "eighty",
            ["--port-offset"] = "-3",
            ["--data-dir"] = "/proc/nope",
            ["--published"] = "=maybe",
            ["--startup-timeout"] = "1.5",
            ["--name"] = "_under",
            ["--detach"] = "=later",
            ["--fresh"] = "=ish",
            ["--fault"] = "4",
            ["--observe"] = "=please",
        },
        ["down"] = new Dictionary<string, string>
        {
            ["--name"] = "a/b",
            ["--timeout"] = "never",
        },
        ["restart"] = new Dictionary<string, string>
        {
            ["--name"] = "what?",
        },
        ["status"] = new Dictionary<string, string>
        {
            ["--name"] = "",
            ["--timeout"] = "soonish",
            ["--output"] = "wide",
            ["--json"] = "=sure",
        },
        ["logs"] = new Dictionary<string, string>
        {
            ["--follow"] = "=always",
            ["--since"] = "yesterday",
            ["--tail"] = "-5",
            ["--name"] = "x y",
            ["--output"] = "text",
            ["--json"] = "=raw",
        },
        ["trace"] = new Dictionary<string, string>
        {
            ["--name"] = "*",
            ["--output"] = "html",
            ["--json"] = "=1",
        },
        ["completion"] = new Dictionary<string, string>(),
        ["diagnose"] = new Dictionary<string, string>
        {
            ["--cluster"] = "=perhaps",
            ["--kubeconfig"] = "/tmp",
            ["--context"] = "",
            ["--namespace"] = "Not_A_Namespace",
            ["--grade"] = "=sometimes",
            ["--json"] = "=yes-please",
            ["--output"] = "yaml",
            ["--hint"] = "4",
        },
        ["load"] = new Dictionary<string, string>
        {
            ["--url"] = "ftp://example.test",
            ["--orders"] = "twenty",
            ["--interval"] = "soon",
            ["--concurrency"] = "0",
            ["--rate"] = "fast",
            ["--duration"] = "forever",
            ["--timeout"] = "-1s",
            ["--name"] = "no spaces",
            ["--output"] = "xml",
            ["--json"] = "=maybe",
        },
        ["verify"] = new Dictionary<string, string>
        {
            ["--cluster"] = "=perhaps",
            ["--kubeconfig"] = "/tmp",
            ["--context"] = "",
            ["--namespace"] = "UPPER",
            ["--url"] = "localhost",
            ["--tempo-url"] = "tempo:3200",
            ["--orders"] = "0",
            ["--interval"] = "1x",
            ["--since"] = "ages",
            ["--name"] = "../escape",
            ["--output"] = "csv",
            ["--json"] = "=nah",
        },
    };

    /// <summary>More bad values for options whose checks have several edges (ranges, forms of a duration or a URL).</summary>
    static readonly (string Verb, string Option, string Value)[] MoreBadValues =
    [
        ("load", "--orders", "0"),
        ("load", "--orders", "2000000"),
        ("load", "--interval", "-1s"),
        ("load", "--interval", "11m"),
        ("load", "--rate", "-3"),
        ("load", "--duration", "0"),
        ("load", "--duration", "2h"),
        ("load", "--timeout", "0"),
        ("load", "--url", "ftp://localhost:8080"),
        ("load", "--url", "localhost"),
        ("up", "--gateway-port", "70000"),
        ("up", "--gateway-port", "0"),
        ("up", "--port-offset", "63000"),
        ("up", "--startup-timeout", "-5"),
        ("verify", "--namespace", "Production_1"),
        ("verify", "--orders", "many"),
        ("verify", "--interval", "later"),
        ("verify", "--since", "yesterday"),
        ("verify", "--url", "gateway:8080"),
        ("verify", "--tempo-url", "tempo"),
    ];

    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (verb, option, value) in MoreBadValues)
        {
            data.Add(verb, option, value);
        }
        foreach (var (verb, options) in BadValues)
        {
            foreach (var (option, value) in options)
            {
                data.Add(verb, option, value);
            }
        }
        return data;
    }

    RootCommand Root(TestConsole output, TestConsole error) =>
        CliRoot.Create(new CliConsoles(output, error), CliMachines.Scratch(_folder.Path));

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_bad_value_exits_usage_error_with_one_line_on_stderr_naming_the_option_and_the_value(string verb, string option, string value)
    {
        using var output = new TestConsole();
        using var error = new TestConsole();
        // A bool option only takes a value glued to it: --json=maybe.
        string[] args = value.StartsWith('=') ? [verb, option + value] : [verb, option, value];
        if (verb == "diagnose" && option is not "--cluster" && !IsClusterOption(option))
        {
            args = [.. args, "k8s/day-4/broken-production"];
        }
        if (verb == "trace")
        {
            args = [.. args, "4bf92f3577b34da6a3ce929d0e0e4736"];
        }
        if (verb == "restart")
        {
            args = [.. args, "order-service"];
        }

        var code = await CliInvocation.InvokeAsync(Root(output, error), args, output, error);

        var lines = error.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal((int)ExitCodes.UsageError, code);
        Assert.Equal("", output.Output);
        Assert.Single(lines);
        Assert.StartsWith("error: ", lines[0]);
        Assert.Contains(option, lines[0]);
        Assert.Contains(value.Length == 0 ? "''" : $"'{value.TrimStart('=')}'", lines[0]);
        Assert.Contains($"cloudmart {verb} --help", lines[0]);
        Assert.DoesNotContain("System.", lines[0]);
        Assert.DoesNotContain("Exception", lines[0]);
        Assert.DoesNotContain("Nullable", lines[0]);
    }

    [Fact]
    public void Every_option_of_every_verb_has_a_bad_value_in_the_table()
    {
        using var output = new TestConsole();
        using var error = new TestConsole();
        foreach (var verb in Root(output, error).Subcommands)
        {
            var options = verb.Options.Where(o => o is not HelpOption).Select(o => o.Name).Order().ToList();
            Assert.True(BadValues.TryGetValue(verb.Name, out var table), $"'{verb.Name}' has no bad values listed");
            Assert.Equal(options, table.Keys.Order().ToList());
        }
    }

    [Theory]
    [InlineData("donw", "'donw'")]
    [InlineData("up --frobnicate", "'--frobnicate'")]
    [InlineData("completion fish", "'fish'")]
    [InlineData("trace not-a-trace-id", "'not-a-trace-id'")]
    [InlineData("logs order-servise", "'order-servise'")]
    [InlineData("restart ordr-service", "'ordr-service'")]
    public async Task An_unknown_verb_or_option_is_one_line_that_names_it(string commandLine, string named)
    {
        using var output = new TestConsole();
        using var error = new TestConsole();

        var code = await CliInvocation.InvokeAsync(Root(output, error), commandLine.Split(' '), output, error);

        var line = Assert.Single(error.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal((int)ExitCodes.UsageError, code);
        Assert.Contains(named, line);
        Assert.DoesNotContain("Required command", line);
        Assert.Equal("", output.Output);
    }

    static bool IsClusterOption(string option) => option is "--kubeconfig" or "--context" or "--namespace";

    public void Dispose() => _folder.Dispose();
}
