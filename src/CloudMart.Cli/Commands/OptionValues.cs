using CloudMart.Verification;

namespace CloudMart.Cli.Commands;

/// <summary>Options that several verbs take, parsed with messages that name the bad value.</summary>
public static class OptionValues
{
    /// <summary>A duration option: <c>250ms</c>, <c>1s</c>, <c>1.5s</c>, <c>2m</c>, or a number of seconds.</summary>
    public static Option<TimeSpan?> Duration(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "duration",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (DurationText.TryParse(text, out var value))
            {
                return value;
            }
            result.AddError($"{name} must be a duration such as 250ms, 1s, 1.5s or 2m (a plain number is seconds), not '{text}'.");
            return null;
        },
    };

    /// <summary>An http:// or https:// address.</summary>
    public static Option<Uri?> Url(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "url",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.Host.Length > 0)
            {
                return url;
            }
            result.AddError($"{name} must be an http:// or https:// address such as http://localhost:8080, not '{text}'.");
            return null;
        },
    };

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<int?> Count(string name, string description, int min, int max) => new(name)
    {
        Description = description,
        HelpName = "n",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value)
                && value >= min && value <= max)
            {
                return value;
            }
            result.AddError($"{name} must be a whole number from {min} to {max}, not '{text}'.");
            return null;
        },
    };

    /// <summary>
    /// The value of an option whose parse may have failed (its own error is reported then); used
    /// by command validators that combine several options.
    /// </summary>
    public static bool TryGet<T>(this System.CommandLine.Parsing.CommandResult result, Option<T> option, out T? value)
    {
        try
        {
            value = result.GetValue(option);
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default;
            return false;
        }
    }
}
