using System.Diagnostics;
using System.Text.Json;

namespace CloudMart.Cli.Tests.Cli;

/// <summary>The real tool as a process: exit codes, what goes to stdout and what to stderr, help and completion.</summary>
public sealed class CliProcessTests() : CliProcessTest(TimeSpan.FromSeconds(90))
{
    /// <summary>The bad values of up's options that take a value of their own (the bool ones are tried in-process).</summary>
    public static TheoryData<string, string> BadUpValues()
    {
        var data = new TheoryData<string, string>();
        foreach (var (_, option, value) in BadOptionValues.All.Where(v => v.Verb == "up" && !v.Value.StartsWith('=')))
        {
            data.Add(option, value);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(BadUpValues))]
    public async Task A_bad_value_for_up_is_one_line_on_stderr_exit_2_and_no_stack_trace(string option, string value)
    {
        var result = await Run("up", option, value);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.Stdout);
        var line = Assert.Single(result.StderrLines);
        Assert.Contains(option, line);
        Assert.Contains($"'{value}'", line);
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.DoesNotContain("System.", result.Stderr);
    }

    [Fact]
    public async Task An_unknown_verb_is_one_error_line_without_the_missing_verb_complaint()
    {
        var result = await Run("donw");

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.Contains("'donw'", line);
        Assert.DoesNotContain("Required command", line);
    }

    [Fact]
    public async Task Status_with_nothing_up_says_so_on_stderr_and_exits_not_running()
    {
        var result = await Run("status");

        Assert.Equal((int)ExitCodes.NotRunning, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Contains("No run is up", result.Stderr);
    }

    [Theory]
    [InlineData("up")]
    [InlineData("down")]
    [InlineData("status")]
    [InlineData("restart")]
    [InlineData("logs")]
    [InlineData("trace")]
    [InlineData("load")]
    [InlineData("verify")]
    [InlineData("diagnose")]
    [InlineData("completion")]
    public async Task Each_verbs_help_has_examples_and_its_exit_codes_in_plain_ASCII_when_piped(string verb)
    {
        var result = await Run(verb, "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Examples:", result.Stdout);
        Assert.Contains($"cloudmart {verb}", result.Stdout.Replace("source <(cloudmart completion", "cloudmart completion", StringComparison.Ordinal));
        foreach (var code in VerbHelp.Codes(verb))
        {
            Assert.Contains($"{(int)code,3}  {VerbHelp.Meaning(code)}", result.Stdout);
        }
        Assert.All(result.Stdout, c => Assert.True(c < 128, $"'{c}' is not ASCII"));
    }

    [Theory]
    [InlineData("bash")]
    [InlineData("zsh")]
    public async Task Completion_prints_a_script_that_knows_every_verb(string shell)
    {
        var result = await Run("completion", shell);

        Assert.Equal(0, result.ExitCode);
        foreach (var verb in VerbHelp.Verbs.Keys)
        {
            Assert.Contains(verb, result.Stdout);
        }
        Assert.Contains("--port-offset", result.Stdout);
        if (shell == "bash")
        {
            var script = State.File("completion.bash", result.Stdout);
            using var check = Process.Start("bash", ["-n", script]);
            await check.WaitForExitAsync();
            Assert.Equal(0, check.ExitCode);
        }
    }

    [Fact]
    public async Task Diagnose_output_piped_has_no_colour_codes_and_no_box_drawing()
    {
        var result = await Run("diagnose", Path.Combine(TestMachine.RepositoryRoot, "k8s", "day-4", "broken-production"));

        Assert.Equal((int)ExitCodes.ProblemsFound, result.ExitCode);
        Assert.DoesNotContain('\u001b', result.Stdout);
        Assert.DoesNotContain('\u2502', result.Stdout); // │
        Assert.DoesNotContain('\u256d', result.Stdout); // ╭
    }
}
