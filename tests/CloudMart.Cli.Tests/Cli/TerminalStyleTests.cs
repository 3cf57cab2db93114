namespace CloudMart.Cli.Tests.Cli;

/// <summary>Colour and box drawing only where a person reads a terminal that can show them.</summary>
public sealed class TerminalStyleTests
{
    [Theory]
    [InlineData(false, null, null, true)]
    [InlineData(true, null, null, false)]
    [InlineData(false, "dumb", null, false)]
    [InlineData(false, "xterm-256color", "1", false)]
    [InlineData(false, "xterm-256color", "", true)]
    public void Output_is_styled_only_on_a_terminal_that_is_not_dumb_and_without_NO_COLOR(bool redirected, string? term, string? noColor, bool styled) =>
        Assert.Equal(styled, TerminalStyle.Styled(redirected, name => name == "TERM" ? term : name == "NO_COLOR" ? noColor : null));
}
