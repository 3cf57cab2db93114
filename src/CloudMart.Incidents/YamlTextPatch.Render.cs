using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace CloudMart.Incidents;

/// <summary>How a patch's value is written into the file: in its block style, at its indent, quoted only where YAML would read it as something else.</summary>
public static partial class YamlTextPatch
{
    /// <summary>What follows "key:" for a value: " scalar", or a block on the next lines indented under the key.</summary>
    static string AfterKey(YamlNode value, int keyIndent) => value switch
    {
        YamlScalarNode scalar when IsMultiLine(scalar) => " " + Literal(scalar.Value!, keyIndent + 2),
        YamlScalarNode scalar => " " + RenderScalar(scalar, false),
        YamlMappingNode { Children.Count: 0 } => " {}",
        YamlSequenceNode { Children.Count: 0 } => " []",
        _ => "\n" + Block(value, keyIndent + 2),
    };

    /// <summary>A list item after its "- ": a scalar, or a mapping whose first key follows the dash and the rest at <paramref name="indent"/>.</summary>
    static string ItemBody(YamlNode value, int indent)
    {
        if (value is YamlScalarNode scalar)
        {
            return "- " + RenderScalar(scalar, false);
        }
        var block = Block(value, indent);
        return "- " + block[indent..];
    }

    /// <summary>A mapping or list as block YAML, every line at <paramref name="indent"/>, no final newline.</summary>
    static string Block(YamlNode node, int indent)
    {
        var pad = new string(' ', indent);
        var lines = new List<string>();
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                {
                    lines.Add(pad + RenderKey(((YamlScalarNode)key).Value!) + ":" + AfterKey(value, indent));
                }
                break;
            case YamlSequenceNode sequence:
                foreach (var item in sequence.Children)
                {
                    lines.Add(pad + ItemBody(item, indent + 2));
                }
                break;
            default:
                lines.Add(pad + RenderScalar((YamlScalarNode)node, false));
                break;
        }
        return string.Join("\n", lines);
    }

    static string Literal(string value, int indent)
    {
        var pad = new string(' ', indent);
        var chomp = value.EndsWith("\n\n", StringComparison.Ordinal) ? "+" : value.EndsWith('\n') ? "" : "-";
        var body = value.EndsWith('\n') ? value[..^1] : value;
        return "|" + chomp + "\n" + string.Join("\n", body.Split('\n').Select(line => line.Length == 0 ? "" : pad + line));
    }

    static string RenderKey(string key) => IsSafePlain(key) ? key : Quoted(key);

    /// <summary>
    /// A scalar as the patch means it: a plain one as written (so 8080 stays a number), a quoted
    /// one plain when it reads as the same string, else double-quoted; quoted too when the value it
    /// replaces was.
    /// </summary>
    static string RenderScalar(YamlScalarNode scalar, bool keepQuotes)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.Plain or ScalarStyle.Any)
        {
            return value;
        }
        return keepQuotes || !IsSafePlain(value) || ResolvesToNonString(value) ? Quoted(value) : value;
    }

    static string Quoted(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    [GeneratedRegex(@"^(?:[-+]?(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|0x[0-9a-fA-F]+|0o[0-7]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|(?i:true|false|yes|no|on|off|y|n|null)|~|)$")]
    private static partial Regex NonString();

    /// <summary>True when YAML (1.1 or 1.2, as Kubernetes and kustomize read it) would take the plain text for a number, a boolean or null.</summary>
    public static bool ResolvesToNonString(string value) => NonString().IsMatch(value);

    static bool IsSafePlain(string value) =>
        value.Length > 0
        && !ResolvesToNonString(value)
        && "-?:,[]{}#&*!|>'\"%@`".IndexOf(value[0], StringComparison.Ordinal) < 0
        && !char.IsWhiteSpace(value[0]) && !char.IsWhiteSpace(value[^1])
        && !value.Contains(": ", StringComparison.Ordinal) && !value.Contains(" #", StringComparison.Ordinal)
        && !value.EndsWith(':') && !value.Contains('\n', StringComparison.Ordinal);

    static bool IsMultiLine(YamlScalarNode scalar) => scalar.Value?.Contains('\n', StringComparison.Ordinal) == true;

    static bool IsBlockScalar(YamlScalarNode scalar) => scalar.Style is ScalarStyle.Literal or ScalarStyle.Folded;

    static bool BlockStyle(YamlNode node) => node switch
    {
        YamlMappingNode m => m.Style != MappingStyle.Flow,
        YamlSequenceNode s => s.Style != SequenceStyle.Flow,
        _ => false,
    };
}
