using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace CloudMart.Cli;

/// <summary>
/// Parses and runs a command line. A bad one is reported on the error console as one line that
/// names the option and the value, with <see cref="ExitCodes.UsageError"/>; a failure nobody
/// expected is one line too, never a stack trace.
/// </summary>
public static partial class CliInvocation
{
    public static async Task<int> InvokeAsync(RootCommand root, string[] args, IAnsiConsole console, CancellationToken cancellationToken = default) =>
        await InvokeAsync(root, args, console, console, cancellationToken);

    public static async Task<int> InvokeAsync(RootCommand root, string[] args, IAnsiConsole console, IAnsiConsole error, CancellationToken cancellationToken = default)
    {
        var parse = root.Parse(args.Length == 0 ? ["--help"] : args);
        if (parse.Errors.Count > 0)
        {
            error.Profile.Out.Writer.WriteLine(UsageLine(root, parse, args));
            return (int)ExitCodes.UsageError;
        }
        var invocation = new InvocationConfiguration
        {
            Output = console.Profile.Out.Writer,
            Error = error.Profile.Out.Writer,
            EnableDefaultExceptionHandler = false,
            // Verbs that run processes handle SIGINT and SIGTERM themselves, so they can stop their
            // children however long it takes; the parser's own handling would exit after a timeout.
            ProcessTerminationTimeout = null,
        };
        try
        {
            return await parse.InvokeAsync(invocation, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The message is for the user; the type and the stack are for a debugger, not a terminal.
            error.Profile.Out.Writer.WriteLine($"error: {Flatten(ex.Message)}");
            return (int)ExitCodes.Error;
        }
    }

    /// <summary>The parse errors as one line, ending with where to read the verb's options.</summary>
    public static string UsageLine(RootCommand root, ParseResult parse, IReadOnlyList<string> args)
    {
        var errors = parse.Errors.Select(e => Reworded(e.Message, parse, args)).ToList();
        if (GluedToSwitch(parse, args) is { } glued)
        {
            // --json=maybe: the parser hands "maybe" on to whatever takes words (an argument), which
            // then complains about it; the one mistake is the value given to the switch.
            errors = [glued];
        }
        if (errors.Count > 1)
        {
            // An unknown verb also reports that no verb was given; the unknown word is the news.
            errors.RemoveAll(e => e.StartsWith("Required command was not provided", StringComparison.Ordinal));
        }
        var names = new List<string>();
        for (var command = parse.CommandResult; command is not null && command.Command != root; command = command.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Insert(0, command.Command.Name);
        }
        var verb = names.Count == 0 ? "" : " " + string.Join(" ", names);
        return $"error: {string.Join(" ", errors.Select(e => e.TrimEnd('.') + "."))} See 'cloudmart{verb} --help'.";
    }

    /// <summary>The parser's own messages, with the .NET type names said in words.</summary>
    static string Reworded(string message, ParseResult parse, IReadOnlyList<string> args)
    {
        if (Unrecognized().Match(message) is { Success: true } unknown && SwitchGiven(unknown.Groups["value"].Value, parse, args) is { } flag)
        {
            // The parser leaves a value a switch cannot take as a word of its own; it belongs to the switch.
            return $"{flag} is a switch and takes no value (or true or false), not '{unknown.Groups["value"].Value}'";
        }
        var match = TypedValue().Match(message);
        if (match.Success)
        {
            var kind = match.Groups["type"].Value.Contains("Boolean", StringComparison.Ordinal) ? "true or false" : "a value of another kind";
            return $"{match.Groups["option"].Value} takes {kind}, not '{match.Groups["value"].Value}'";
        }
        return Flatten(message);
    }

    static string? GluedToSwitch(ParseResult parse, IReadOnlyList<string> args)
    {
        foreach (var option in parse.CommandResult.Command.Options.Where(o => o.ValueType == typeof(bool)))
        {
            foreach (var name in option.Aliases.Prepend(option.Name))
            {
                if (args.FirstOrDefault(a => a.StartsWith(name + "=", StringComparison.Ordinal)) is { } arg
                    && !bool.TryParse(arg[(name.Length + 1)..], out _))
                {
                    return $"{option.Name} is a switch and takes no value (or true or false), not '{arg[(name.Length + 1)..]}'";
                }
            }
        }
        return null;
    }

    /// <summary>The on/off option that <paramref name="value"/> was given to (<c>--json=maybe</c> or <c>--json maybe</c>), if any.</summary>
    static string? SwitchGiven(string value, ParseResult parse, IReadOnlyList<string> args)
    {
        var switches = parse.CommandResult.Command.Options.Where(o => o.ValueType == typeof(bool)).ToList();
        for (var i = 0; i < args.Count; i++)
        {
            var option = switches.FirstOrDefault(o => args[i] == $"{o.Name}={value}" || o.Aliases.Any(a => args[i] == $"{a}={value}")
                || (i + 1 < args.Count && args[i + 1] == value && (args[i] == o.Name || o.Aliases.Contains(args[i]))));
            if (option is not null)
            {
                return option.Name;
            }
        }
        return null;
    }

    static string Flatten(string message) => string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    [GeneratedRegex(@"^Unrecognized command or argument '(?<value>.*)'\.?$")]
    private static partial Regex Unrecognized();

    [GeneratedRegex(@"Cannot parse argument '(?<value>.*)' for (option|command) '(?<option>[^']*)' as expected type '(?<type>[^']*)'")]
    private static partial Regex TypedValue();
}
