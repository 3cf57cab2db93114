using System.Text;

namespace CloudMart.Lab;

/// <summary>
/// One simple directive of an nginx configuration (<c>name args;</c>), with the blocks it sits in
/// (<c>http</c>, <c>server</c>, <c>upstream api_service</c>) and where its arguments are in the text.
/// </summary>
/// <param name="Context">The enclosing blocks from the outside in, each as its directive's words ("upstream api_service").</param>
/// <param name="Arguments">The words after the name, as written (quotes kept).</param>
/// <param name="Start">Where the arguments start in the text: the first character after the name's following whitespace.</param>
/// <param name="End">Where they end: the position of the closing ';'.</param>
public sealed record NginxDirective(IReadOnlyList<string> Context, string Name, IReadOnlyList<string> Arguments, int Start, int End)
{
    public string Block => string.Join('/', Context);

    public string ArgumentText => string.Join(' ', Arguments);
}

/// <summary>
/// Reads the directives of an nginx configuration the way nginx splits it: words separated by
/// blanks, '#' comments to the end of the line, single- or double-quoted words (with backslash
/// escapes, braces and ';' inside them taken as text), ';' ending a directive and '{' '}' around a block.
/// </summary>
public static class NginxDirectives
{
    /// <exception cref="FormatException">A quote or a block is left open, or a '}' closes nothing.</exception>
    public static IReadOnlyList<NginxDirective> Read(string text)
    {
        var directives = new List<NginxDirective>();
        var context = new Stack<string>();
        var words = new List<(string Text, int At)>();
        foreach (var (token, at) in Tokens(text))
        {
            switch (token)
            {
                case ";" when words.Count > 0:
                    directives.Add(new NginxDirective([.. context.Reverse()], words[0].Text, [.. words.Skip(1).Select(w => w.Text)],
                        words.Count > 1 ? words[1].At : at, at));
                    words.Clear();
                    break;
                case ";":
                    break;
                case "{":
                    context.Push(string.Join(' ', words.Select(w => w.Text)));
                    words.Clear();
                    break;
                case "}" when context.Count == 0 || words.Count > 0:
                    throw new FormatException($"a '}}' at character {at} closes no block or ends a directive without ';'");
                case "}":
                    context.Pop();
                    break;
                default:
                    words.Add((token, at));
                    break;
            }
        }
        if (context.Count > 0 || words.Count > 0)
        {
            throw new FormatException("the configuration ends inside a block or a directive");
        }
        return directives;
    }

    /// <summary>The words and the ';', '{' and '}' of the text, each with where it starts; blanks and comments dropped.</summary>
    static IEnumerable<(string Token, int At)> Tokens(string text)
    {
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '#')
            {
                i = text.IndexOf('\n', i) is var eol and >= 0 ? eol : text.Length;
            }
            else if (c is ';' or '{' or '}')
            {
                yield return (c.ToString(), i++);
            }
            else
            {
                var end = WordEnd(text, i);
                yield return (text[i..end], i);
                i = end;
            }
        }
    }

    static int WordEnd(string text, int start)
    {
        if (text[start] is '"' or '\'')
        {
            var quote = text[start];
            for (var i = start + 1; i < text.Length; i++)
            {
                if (text[i] == '\\')
                {
                    i++;
                }
                else if (text[i] == quote)
                {
                    return i + 1;
                }
            }
            throw new FormatException($"a quoted word opened at character {start} is never closed");
        }
        var j = start;
        while (j < text.Length && !char.IsWhiteSpace(text[j]) && text[j] is not (';' or '{' or '}' or '#'))
        {
            j++;
        }
        return j;
    }

    /// <summary>The text with the arguments of some directives replaced, everything else (comments, layout) kept.</summary>
    public static string Replace(string text, IEnumerable<(NginxDirective Directive, string Arguments)> edits)
    {
        var result = new StringBuilder(text);
        foreach (var (directive, arguments) in edits.OrderByDescending(e => e.Directive.Start))
        {
            result.Remove(directive.Start, directive.End - directive.Start).Insert(directive.Start, arguments);
        }
        return result.ToString();
    }
}
