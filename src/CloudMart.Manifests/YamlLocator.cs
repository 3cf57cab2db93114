using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace CloudMart.Manifests;

/// <summary>
/// Finds the line of a field in a manifest file, so a finding can say <c>file:line</c>. A field
/// path reads like <c>spec.template.spec.containers[0].env[DATABASE_URL].value</c>: a bracket holds
/// a list index, or the <c>name</c> of the list item. When the field itself is absent (a variable
/// that is not set) the line of the nearest enclosing field is given.
/// </summary>
public static class YamlLocator
{
    public static int? Line(string file, int document, string? fieldPath)
    {
        if (fieldPath is null || !File.Exists(file))
        {
            return null;
        }
        YamlStream stream = [];
        try
        {
            using var reader = new StreamReader(file);
            stream.Load(reader);
        }
        catch (YamlDotNet.Core.YamlException)
        {
            return null;
        }
        if (document >= stream.Documents.Count)
        {
            return null;
        }
        YamlNode node = stream.Documents[document].RootNode;
        var line = (int)node.Start.Line;
        foreach (var (key, selector) in Segments(fieldPath))
        {
            var entry = node is YamlMappingNode mapping
                ? mapping.Children.FirstOrDefault(pair => pair.Key is YamlScalarNode { Value: var name } && name == key)
                : default;
            if (entry.Key is null)
            {
                break;
            }
            // The key's line: for a nested block that is the line naming it, not its first entry.
            node = entry.Value;
            line = (int)entry.Key.Start.Line;
            if (selector is null)
            {
                continue;
            }
            if (node is not YamlSequenceNode sequence || Item(sequence, selector) is not { } item)
            {
                break;
            }
            node = item;
            line = (int)item.Start.Line;
        }
        return line;
    }

    static YamlNode? Item(YamlSequenceNode sequence, string selector)
    {
        if (int.TryParse(selector, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return index < sequence.Children.Count ? sequence.Children[index] : null;
        }
        return sequence.Children.OfType<YamlMappingNode>().FirstOrDefault(m =>
            m.Children.TryGetValue(new YamlScalarNode("name"), out var name) && name is YamlScalarNode { Value: var value } && value == selector);
    }

    /// <summary>Splits a field path into keys, each with the bracketed selector that follows it.</summary>
    static IEnumerable<(string Key, string? Selector)> Segments(string path)
    {
        var i = 0;
        while (i < path.Length)
        {
            var end = i;
            while (end < path.Length && path[end] is not ('.' or '['))
            {
                end++;
            }
            var key = path[i..end];
            string? selector = null;
            if (end < path.Length && path[end] == '[')
            {
                var close = path.IndexOf(']', end);
                if (close < 0)
                {
                    yield break;
                }
                selector = path[(end + 1)..close];
                end = close + 1;
            }
            yield return (key, selector);
            i = end < path.Length && path[end] == '.' ? end + 1 : end;
        }
    }
}
