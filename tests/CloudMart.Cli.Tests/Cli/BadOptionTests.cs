using System.CommandLine.Help;
using Spectre.Console.Testing;

namespace CloudMart.Cli.Tests.Cli;

/// <summary>
/// Every option of every verb, given a value it cannot take: exit 2, nothing on stdout, one line
/// on stderr that names the option and the value, and no stack trace or .NET type name.
/// </summary>
public sealed class BadOptionTests : IDisposable
{
    readonly TempFolder _folder = new();

    /// <summary>Every value of <see cref="BadOptionValues"/>; a new option must add its own there (the coverage test says so).</summary>
    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (verb, option, value) in BadOptionValues.All)
        {
            data.Add(verb, option, value);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_bad_value_exits_usage_error_with_one_line_on_stderr_naming_the_option_and_the_value(string verb, string option, string value)
    {
        // A bool option only takes a value glued to it: --json=maybe.
        string[] args = value.StartsWith('=') ? [.. verb.Split(' '), option + value] : [.. verb.Split(' '), option, value];
        if (verb == "lab new" && option != "--out")
        {
            args = [.. args, "--out", Path.Combine(_folder.Path, "incident")];
        }
        if (verb == "lab answers" && option != "--seed")
        {
            args = [.. args, "--seed", "1"];
        }
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

        var result = await InProcessCli.RunAsync(_folder.Path, args);

        var lines = result.StderrLines;
        Assert.Equal((int)ExitCodes.UsageError, result.ExitCode);
        Assert.Equal("", result.Stdout);
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
        var verbs = InProcessCli.Root(output, error, _folder.Path).Subcommands
            .SelectMany(verb => verb.Subcommands.Select(sub => (Name: $"{verb.Name} {sub.Name}", Command: sub)).Prepend((verb.Name, verb)));
        foreach (var (name, verb) in verbs)
        {
            var options = verb.Options.Where(o => o is not HelpOption).Select(o => o.Name).Order().ToList();
            Assert.True(BadOptionValues.ByVerb.TryGetValue(name, out var table), $"'{name}' has no bad values listed");
            Assert.Equal(options, table.Keys.Order().ToList());
            Assert.All(table, entry => Assert.True(entry.Value.Length > 0, $"{name} {entry.Key} has no bad value"));
        }
    }

    /// <summary>Each ends in the word the tool does not know.</summary>
    [Theory]
    [InlineData("donw")]
    [InlineData("up --frobnicate")]
    [InlineData("completion fish")]
    [InlineData("trace not-a-trace-id")]
    [InlineData("logs order-servise")]
    [InlineData("restart ordr-service")]
    public async Task An_unknown_verb_or_option_is_one_line_that_names_it(string commandLine)
    {
        var args = commandLine.Split(' ');

        var result = await InProcessCli.RunAsync(_folder.Path, args);

        var line = Assert.Single(result.StderrLines);
        Assert.Equal((int)ExitCodes.UsageError, result.ExitCode);
        Assert.Contains($"'{args[^1]}'", line);
        Assert.DoesNotContain("Required command", line);
        Assert.Equal("", result.Stdout);
    }

    static bool IsClusterOption(string option) => option is "--kubeconfig" or "--context" or "--namespace";

    public void Dispose() => _folder.Dispose();
}
