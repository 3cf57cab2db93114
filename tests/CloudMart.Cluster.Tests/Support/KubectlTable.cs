namespace CloudMart.Cluster.Tests.Support;

/// <summary>The rows of a table kubectl prints (<c>kubectl get …</c>), by column name, as a learner reads them.</summary>
public static class KubectlTable
{
    public static List<Dictionary<string, string>> Parse(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0)
        {
            return [];
        }
        // Columns start where the header's words start; a value never holds two spaces in a row.
        var header = lines[0];
        var starts = new List<(string Name, int Start)>();
        for (var i = 0; i < header.Length; i++)
        {
            if (header[i] != ' ' && (i == 0 || header[i - 1] == ' '))
            {
                var end = header.IndexOf(' ', i);
                starts.Add((header[i..(end < 0 ? header.Length : end)], i));
            }
        }
        return
        [
            .. lines.Skip(1).Select(line => starts.Select((column, index) =>
            {
                var from = Math.Min(column.Start, line.Length);
                var to = index + 1 < starts.Count ? Math.Min(starts[index + 1].Start, line.Length) : line.Length;
                return (column.Name, Value: line[from..to].Trim());
            }).ToDictionary(c => c.Name, c => c.Value)),
        ];
    }
}
