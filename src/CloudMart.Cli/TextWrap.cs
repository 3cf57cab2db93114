namespace CloudMart.Cli;

/// <summary>
/// Wraps text to a width at spaces and just after the separators of paths, field names and
/// addresses (<c>/ . - , : = ; ) ]</c>) or before <c>[</c>, so a file path or a field such
/// as <c>spec.template.spec.containers[0].resources</c> breaks between its parts. Only a part
/// longer than the whole width is cut inside. Spectre's own wrapping breaks only at spaces and
/// cuts such values anywhere, so tables that show them are laid out here.
/// </summary>
public static class TextWrap
{
    const string BreakAfter = "/.-,:=;)]";

    /// <summary>The lines of <paramref name="text"/> at most <paramref name="width"/> wide; its own line breaks are kept.</summary>
    public static IReadOnlyList<string> Lines(string text, int width)
    {
        width = Math.Max(1, width);
        var lines = new List<string>();
        foreach (var paragraph in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = "";
            foreach (var piece in Pieces(paragraph))
            {
                if (line.Length + piece.Length <= width)
                {
                    line += line.Length == 0 ? piece.TrimStart() : piece;
                    continue;
                }
                if (line.TrimEnd().Length > 0)
                {
                    lines.Add(line.TrimEnd());
                }
                line = piece.TrimStart();
                while (line.Length > width)
                {
                    lines.Add(line[..width]);
                    line = line[width..];
                }
            }
            lines.Add(line.TrimEnd());
        }
        return lines;
    }

    /// <summary><paramref name="text"/> wrapped to <paramref name="width"/>, as one string with line breaks.</summary>
    public static string Wrap(string text, int width) => string.Join('\n', Lines(text, width));

    /// <summary>The longest part of <paramref name="text"/> that cannot be broken: the narrowest it wraps to without cutting inside a part.</summary>
    public static int LongestPart(string text) => Pieces(text.Replace('\n', ' ')).Select(p => p.Trim().Length).DefaultIfEmpty(0).Max();

    /// <summary>Runs of spaces, and words that end just after a separator (or before a '[').</summary>
    static IEnumerable<string> Pieces(string text)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var endsHere = i + 1 == text.Length
                || char.IsWhiteSpace(text[i]) != char.IsWhiteSpace(text[i + 1])
                || (!char.IsWhiteSpace(text[i]) && BreakAfter.Contains(text[i]))
                || text[i + 1] == '[';
            if (endsHere)
            {
                yield return text[start..(i + 1)];
                start = i + 1;
            }
        }
    }

    /// <summary>
    /// The widths for columns of plain text so that the table fits <paramref name="available"/>
    /// characters: each column's widest line when they all fit; otherwise every column at least its
    /// longest unbreakable part, and the rest shared out by how much more each one wants.
    /// </summary>
    public static int[] ColumnWidths(IReadOnlyList<IReadOnlyList<string>> rows, int available)
    {
        var columns = rows.Count == 0 ? 0 : rows.Max(r => r.Count);
        var natural = new int[columns];
        var least = new int[columns];
        foreach (var row in rows)
        {
            for (var c = 0; c < row.Count; c++)
            {
                natural[c] = Math.Max(natural[c], row[c].Split('\n').Max(l => l.Length));
                least[c] = Math.Max(least[c], LongestPart(row[c]));
            }
        }
        if (natural.Sum() <= available)
        {
            return natural;
        }
        if (least.Sum() >= available)
        {
            // Even the parts do not fit: share the room by those, and cut the longest parts.
            var total = Math.Max(1, least.Sum());
            return least.Select(l => Math.Max(1, l * available / total)).ToArray();
        }
        var spare = available - least.Sum();
        var wanted = natural.Zip(least, (n, l) => n - l).ToArray();
        var wantedTotal = Math.Max(1, wanted.Sum());
        return least.Select((l, c) => l + (int)((long)spare * wanted[c] / wantedTotal)).ToArray();
    }

    /// <summary>Whether a table of these cells fits the console without cutting inside a word.</summary>
    public static bool Fits(IAnsiConsole console, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var columns = rows[0].Count;
        return Enumerable.Range(0, columns).Sum(c => rows.Max(r => LongestPart(r[c]))) <= Room(console, columns);
    }

    /// <summary>The characters left for the cells: each column has a space either side and a border after it, and the table one more border.</summary>
    static int Room(IAnsiConsole console, int columns) => console.Profile.Width - (3 * columns) - 1;

    /// <summary>
    /// A bordered table of plain-text cells (the first row is the header) laid out by
    /// <see cref="ColumnWidths"/> for the console's width, each cell wrapped by <see cref="Wrap"/>.
    /// <paramref name="style"/> may colour a cell after it is wrapped and escaped.
    /// </summary>
    public static Table Table(IAnsiConsole console, IReadOnlyList<IReadOnlyList<string>> rows, Func<int, int, string, string>? style = null)
    {
        var columns = rows[0].Count;
        var widths = ColumnWidths(rows, Room(console, columns));
        var table = new Table().Boxed(console);
        for (var c = 0; c < columns; c++)
        {
            table.AddColumn(new TableColumn(Markup.Escape(Wrap(rows[0][c], widths[c]))).Width(widths[c]));
        }
        foreach (var (row, r) in rows.Skip(1).Select((row, r) => (row, r)))
        {
            table.AddRow(row.Select((cell, c) =>
            {
                var shown = Markup.Escape(Wrap(cell, widths[c]));
                return style?.Invoke(r, c, shown) ?? shown;
            }).ToArray());
        }
        return table;
    }
}
