using System.Text.Json;

namespace CloudMart.Cli.Tests.Support;

/// <summary>
/// Bad values for each option of each verb (Cli/BadOptionValues.json): at least one per option,
/// and more for options whose checks have several edges (ranges, forms of a duration or a URL).
/// The in-process tests try every one; the real-process tests try those of <c>up</c>.
/// </summary>
public static class BadOptionValues
{
    public static IReadOnlyDictionary<string, Dictionary<string, string[]>> ByVerb { get; } =
        JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, string[]>>>(
            File.ReadAllText(Path.Combine(TestMachine.RepositoryRoot, "tests", "CloudMart.Cli.Tests", "Cli", "BadOptionValues.json")))!;

    /// <summary>Every bad value; one that starts with '=' belongs to a bool option, which only takes a value glued to it (--json=maybe).</summary>
    public static IEnumerable<(string Verb, string Option, string Value)> All =>
        from verb in ByVerb
        from option in verb.Value
        from value in option.Value
        select (verb.Key, option.Key, value);
}
