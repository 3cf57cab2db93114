namespace CloudMart.Cli;

/// <summary>
/// How output looks where it goes: colour, box drawing and marks such as ✓ only on a terminal
/// that can show them; plain ASCII and no escape codes in a pipe or a file, under TERM=dumb, or
/// when NO_COLOR is set (https://no-color.org).
/// </summary>
public static class TerminalStyle
{
    /// <summary>Whether output to a stream may be styled, given whether that stream is redirected and the environment.</summary>
    public static bool Styled(bool redirected, Func<string, string?> variable) =>
        !redirected
        && !string.Equals(variable("TERM"), "dumb", StringComparison.Ordinal)
        && string.IsNullOrEmpty(variable("NO_COLOR"));

    public static IAnsiConsole Console(TextWriter writer, bool redirected)
    {
        var styled = Styled(redirected, Environment.GetEnvironmentVariable);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = styled ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = styled ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = styled ? InteractionSupport.Detect : InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        if (!styled)
        {
            console.Profile.Capabilities.Unicode = false;
        }
        if (redirected)
        {
            // Going to a file or a pipe: keep each line whole rather than wrapped at 80 columns.
            console.Profile.Width = 200;
        }
        return console;
    }

    /// <summary>A mark such as ✓, or its ASCII stand-in where the console cannot be trusted with Unicode.</summary>
    public static string Mark(this IAnsiConsole console, string unicode, string ascii) =>
        console.Profile.Capabilities.Unicode ? unicode : ascii;

    /// <summary>Rounded box drawing on a Unicode terminal, plain +-| elsewhere (Spectre's own fallback is still box drawing).</summary>
    public static Table Boxed(this Table table, IAnsiConsole console) =>
        console.Profile.Capabilities.Unicode ? table.RoundedBorder() : table.Border(TableBorder.Ascii);
}
