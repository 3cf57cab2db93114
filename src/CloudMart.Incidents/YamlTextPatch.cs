using System.Globalization;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace CloudMart.Incidents;

/// <summary>A patch that cannot be applied to the solution: the message names the fault, the path and why.</summary>
public sealed class PatchException(string message) : Exception(message);

/// <summary>
/// Applies RFC 6902 operations (replace, add, remove) to a YAML file as text: each path is located
/// with YamlDotNet's marks in the file as it is, the new value is spliced in at that spot in the
/// file's own block style, and every other byte is kept, comments included. All paths of one call
/// address the file before any change (so two faults on one file do not shift each other's indexes);
/// two operations on overlapping text are refused.
/// </summary>
public static partial class YamlTextPatch
{
    /// <summary>One operation, with the document it applies to and who asks for it (for messages).</summary>
    public sealed record Request(string Kind, string Name, PatchOperation Operation, string Origin);

    sealed record Edit(int Start, int End, string Text, string Origin);

    /// <summary>True when the file holds a document of that kind and name.</summary>
    public static bool Holds(string text, string kind, string name) => Documents(Load(text, "the file")).Any(d => IsObject(d, kind, name));

    public static string Apply(string text, IEnumerable<Request> requests, string fileName)
    {
        var stream = Load(text, fileName);
        var documents = Documents(stream).ToList();
        var edits = new List<Edit>();
        foreach (var request in requests)
        {
            var matches = documents.Where(d => IsObject(d, request.Kind, request.Name)).ToList();
            if (matches.Count != 1)
            {
                throw new PatchException($"{request.Origin}: {fileName} holds {matches.Count} objects {request.Kind}/{request.Name}, not one");
            }
            edits.Add(EditFor(text, matches[0], request));
        }
        var ordered = edits.OrderByDescending(e => e.Start).ThenByDescending(e => e.End).ToList();
        for (var i = 1; i < ordered.Count; i++)
        {
            if (ordered[i].End > ordered[i - 1].Start || (ordered[i].Start == ordered[i - 1].Start && ordered[i].End == ordered[i].Start && ordered[i - 1].End == ordered[i - 1].Start))
            {
                throw new PatchException($"{ordered[i].Origin} and {ordered[i - 1].Origin} change the same spot of {fileName}: they cannot be combined (declare them in excludes)");
            }
        }
        var result = new StringBuilder(text);
        foreach (var edit in ordered)
        {
            result.Remove(edit.Start, edit.End - edit.Start).Insert(edit.Start, edit.Text);
        }
        return result.ToString();
    }

    static YamlStream Load(string text, string fileName)
    {
        YamlStream stream = [];
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new PatchException($"{fileName} does not parse: {ex.Message}");
        }
        return stream;
    }

    static IEnumerable<YamlMappingNode> Documents(YamlStream stream) => stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>();

    static bool IsObject(YamlMappingNode document, string kind, string name) =>
        Scalar(document, "kind") == kind
        && document.Children.TryGetValue(new YamlScalarNode("metadata"), out var metadata) && metadata is YamlMappingNode m && Scalar(m, "name") == name;

    static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar ? scalar.Value : null;

    /// <summary>The JSON pointer's segments, with <c>~1</c> and <c>~0</c> undone.</summary>
    static List<string> Segments(string path) =>
        [.. path.Split('/').Skip(1).Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];

    static Edit EditFor(string text, YamlMappingNode document, Request request)
    {
        var op = request.Operation;
        var where = $"{request.Origin}: {op.Op} {op.Path} on {request.Kind}/{request.Name}";
        var segments = Segments(op.Path);
        if (segments.Count == 0)
        {
            throw new PatchException($"{where}: the whole object cannot be patched");
        }
        YamlNode parent = document;
        foreach (var segment in segments[..^1])
        {
            parent = Child(parent, segment) ?? throw new PatchException($"{where}: no '{segment}' in the solution at that path");
        }
        var last = segments[^1];
        var node = Child(parent, last);
        switch (op.Op)
        {
            case "replace" when node is null:
                throw new PatchException($"{where}: nothing to replace at that path");
            case "remove" when node is null:
                throw new PatchException($"{where}: nothing to remove at that path");
            case "remove":
                return Remove(text, parent, last, node, where);
            case "add" when parent is YamlSequenceNode sequence:
                return InsertItem(text, sequence, last, op.Value!, where);
            case "add" when node is null:
                return InsertEntry(text, parent, last, op.Value!, where);
            default:
                return Replace(text, parent, last, node!, op.Value!, where);
        }
    }

    static YamlNode? Child(YamlNode parent, string segment) => parent switch
    {
        YamlMappingNode mapping => mapping.Children.FirstOrDefault(pair => pair.Key is YamlScalarNode { Value: var key } && key == segment).Value,
        YamlSequenceNode sequence => int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < sequence.Children.Count
            ? sequence.Children[index]
            : null,
        _ => null,
    };

    static YamlNode KeyOf(YamlMappingNode mapping, string key) =>
        mapping.Children.First(pair => pair.Key is YamlScalarNode { Value: var k } && k == key).Key;

    static Edit Replace(string text, YamlNode parent, string key, YamlNode node, YamlNode value, string where)
    {
        if (node is YamlScalarNode scalar && value is YamlScalarNode newScalar && !IsBlockScalar(scalar) && !IsMultiLine(newScalar))
        {
            return new Edit((int)scalar.Start.Index, (int)scalar.End.Index, RenderScalar(newScalar, scalar.Style == ScalarStyle.DoubleQuoted), where);
        }
        if (parent is YamlMappingNode mapping)
        {
            // Everything after "key:" up to the end of the old value, so a block value starts on its own line.
            var keyNode = KeyOf(mapping, key);
            var colon = text.IndexOf(':', (int)keyNode.End.Index);
            var indent = Column(keyNode);
            return new Edit(colon + 1, ContentEnd(text, node), AfterKey(value, indent), where);
        }
        var dash = (int)node.Start.Index;
        return new Edit(dash, ContentEnd(text, node), ItemBody(value, Column(node)), where);
    }

    static Edit Remove(string text, YamlNode parent, string key, YamlNode node, string where)
    {
        var start = parent is YamlMappingNode mapping ? (int)KeyOf(mapping, key).Start.Index : (int)node.Start.Index;
        var end = ContentEnd(text, node);
        if (!BlockStyle(parent))
        {
            throw new PatchException($"{where}: removing from a flow collection ({{...}} or [...]) is not supported; write the solution's collection in block style");
        }
        return new Edit(LineStart(text, start), LineEndAfter(text, end), "", where);
    }

    static Edit InsertEntry(string text, YamlNode parent, string key, YamlNode value, string where)
    {
        if (parent is not YamlMappingNode mapping || mapping.Children.Count == 0 || !BlockStyle(mapping))
        {
            throw new PatchException($"{where}: can add a key only to a non-empty block mapping");
        }
        var indent = Column(mapping.Children.First().Key);
        var at = LineEndAfter(text, ContentEnd(text, mapping));
        return new Edit(at, at, new string(' ', indent) + RenderKey(key) + ":" + AfterKey(value, indent) + "\n", where);
    }

    static Edit InsertItem(string text, YamlSequenceNode sequence, string segment, YamlNode value, string where)
    {
        if (sequence.Children.Count == 0 || !BlockStyle(sequence))
        {
            throw new PatchException($"{where}: can add an item only to a non-empty block list");
        }
        var dashColumn = Column(sequence);
        var item = new string(' ', dashColumn) + ItemBody(value, dashColumn + 2) + "\n";
        if (segment == "-" || segment == sequence.Children.Count.ToString(CultureInfo.InvariantCulture))
        {
            var at = LineEndAfter(text, ContentEnd(text, sequence));
            return new Edit(at, at, item, where);
        }
        if (!int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index > sequence.Children.Count)
        {
            throw new PatchException($"{where}: '{segment}' is not an index of the list (0 to {sequence.Children.Count}, or -)");
        }
        var before = LineStart(text, (int)sequence.Children[index].Start.Index);
        return new Edit(before, before, item, where);
    }

    /// <summary>The 0-based column of a node's first character.</summary>
    static int Column(YamlNode node) => (int)node.Start.Column - 1;

    /// <summary>
    /// Where a node's text ends: a scalar's end mark (a block scalar's without the line breaks it
    /// runs over), a block collection's last child's end (the parser gives collections no end of
    /// their own), a flow collection's closing bracket.
    /// </summary>
    static int ContentEnd(string text, YamlNode node)
    {
        switch (node)
        {
            case YamlScalarNode scalar:
                var end = (int)scalar.End.Index;
                if (IsBlockScalar(scalar))
                {
                    while (end > scalar.Start.Index && char.IsWhiteSpace(text[end - 1]))
                    {
                        end--;
                    }
                }
                return end;
            case YamlMappingNode { Style: MappingStyle.Flow }:
                return text.IndexOf('}', LastChildEnd(text, node) ?? (int)node.Start.Index) + 1;
            case YamlSequenceNode { Style: SequenceStyle.Flow }:
                return text.IndexOf(']', LastChildEnd(text, node) ?? (int)node.Start.Index) + 1;
            default:
                return LastChildEnd(text, node) ?? (int)node.Start.Index;
        }
    }

    static int? LastChildEnd(string text, YamlNode node) => node switch
    {
        YamlMappingNode { Children.Count: > 0 } m => ContentEnd(text, m.Children.Last().Value) is var v && v >= m.Children.Last().Key.End.Index
            ? v
            : (int)m.Children.Last().Key.End.Index,
        YamlSequenceNode { Children.Count: > 0 } s => ContentEnd(text, s.Children.Last()),
        _ => null,
    };

    static int LineStart(string text, int index) => text.LastIndexOf('\n', Math.Max(0, index - 1)) is var i && i >= 0 && i < index ? i + 1 : 0;

    /// <summary>The index just past the line break that ends the line holding <paramref name="index"/> (or the text's end).</summary>
    static int LineEndAfter(string text, int index)
    {
        var newline = text.IndexOf('\n', index);
        return newline < 0 ? text.Length : newline + 1;
    }
}
