using System.Globalization;
using System.Text.RegularExpressions;

namespace CloudMart.Verification;

/// <summary>
/// Durations as the command line takes them: a number with a unit (<c>250ms</c>, <c>1s</c>,
/// <c>1.5s</c>, <c>2m</c>, <c>1h</c>), or a plain number of seconds (<c>0</c>, <c>0.5</c>).
/// </summary>
public static partial class DurationText
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (text is null || DurationPattern().Match(text.Trim()) is not { Success: true } match)
        {
            return false;
        }
        if (!double.TryParse(match.Groups["number"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }
        var seconds = match.Groups["unit"].Value.ToLowerInvariant() switch
        {
            "ms" => number / 1000,
            "" or "s" => number,
            "m" => number * 60,
            "h" => number * 3600,
            _ => double.NaN,
        };
        // Beyond a day is never a sensible value for any option here, and stays far from TimeSpan's limits.
        if (!double.IsFinite(seconds) || seconds > TimeSpan.FromDays(1).TotalSeconds)
        {
            return false;
        }
        value = TimeSpan.FromMilliseconds(Math.Round(seconds * 1000, 3));
        return true;
    }

    [GeneratedRegex(@"^(?<number>\d+(\.\d+)?|\.\d+)(?<unit>ms|s|m|h)?$", RegexOptions.IgnoreCase)]
    private static partial Regex DurationPattern();
}
