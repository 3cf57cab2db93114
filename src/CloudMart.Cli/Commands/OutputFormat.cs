using System.Text.Json.Serialization;

namespace CloudMart.Cli.Commands;

/// <summary>
/// <c>-o json|table</c> (as kubectl's <c>-o</c>), with <c>--json</c> kept as the short way to say
/// <c>-o json</c>. JSON goes to stdout and nothing else does.
/// </summary>
public sealed class OutputFormat
{
    public static readonly string[] Formats = ["table", "json"];

    OutputFormat(Option<string?> format, Option<bool> jsonAlias)
    {
        Format = format;
        JsonAlias = jsonAlias;
    }

    public Option<string?> Format { get; }

    public Option<bool> JsonAlias { get; }

    public static OutputFormat Create(string jsonDescription = "Print the results as JSON (and nothing else); the same as -o json")
    {
        var format = new Option<string?>("--output", "-o")
        {
            Description = "How to print the results: table (for people) or json (for scripts) [default: table]",
            HelpName = "table|json",
        };
        format.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && !Formats.Contains(result.Tokens[0].Value))
            {
                result.AddError($"--output must be table or json, not '{result.Tokens[0].Value}'.");
            }
        });
        format.CompletionSources.Add(Formats);
        return new OutputFormat(format, new Option<bool>("--json") { Description = jsonDescription });
    }

    public IEnumerable<Option> All => [Format, JsonAlias];

    public bool IsJson(ParseResult parse) => parse.GetValue(JsonAlias) || parse.GetValue(Format) == "json";
}

[JsonSourceGenerationOptions(WriteIndented = false, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(List<StatusRow>))]
internal sealed partial class CliJson : JsonSerializerContext;
