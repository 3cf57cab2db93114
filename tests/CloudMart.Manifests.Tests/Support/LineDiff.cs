namespace CloudMart.Manifests.Tests.Support;

/// <summary>One line that a diff removes (<c>-</c>) or adds (<c>+</c>).</summary>
public sealed record DiffLine(char Change, string Text)
{
    public override string ToString() => $"{Change}{Text}";
}

/// <summary>
/// A line diff by longest common subsequence, like <c>diff</c>: the lines of <c>before</c> not in the
/// common subsequence are removed, those of <c>after</c> not in it are added.
/// </summary>
public static class LineDiff
{
    public static IReadOnlyList<DiffLine> Compare(IReadOnlyList<string> before, IReadOnlyList<string> after)
    {
        // common[i, j] = length of the longest common subsequence of before[i..] and after[j..].
        var common = new int[before.Count + 1, after.Count + 1];
        for (var i = before.Count - 1; i >= 0; i--)
        {
            for (var j = after.Count - 1; j >= 0; j--)
            {
                common[i, j] = before[i] == after[j] ? common[i + 1, j + 1] + 1 : Math.Max(common[i + 1, j], common[i, j + 1]);
            }
        }

        var changes = new List<DiffLine>();
        int b = 0, a = 0;
        while (b < before.Count || a < after.Count)
        {
            if (b < before.Count && a < after.Count && before[b] == after[a])
            {
                b++;
                a++;
            }
            else if (a == after.Count || (b < before.Count && common[b + 1, a] >= common[b, a + 1]))
            {
                changes.Add(new DiffLine('-', before[b++]));
            }
            else
            {
                changes.Add(new DiffLine('+', after[a++]));
            }
        }
        return changes;
    }

    public static IReadOnlyList<DiffLine> CompareFiles(string before, string after) =>
        Compare(File.ReadAllLines(before), File.ReadAllLines(after));
}
