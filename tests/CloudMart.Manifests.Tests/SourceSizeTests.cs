using System.Text.RegularExpressions;

namespace CloudMart.Manifests.Tests;

/// <summary>
/// Issue #23's size rule for the code under src/, services/ and bench/: no file over 300 lines, no
/// method over 60. A method is counted from its declaration to its closing brace, found by the
/// repository's brace style (each brace on its own line); expression-bodied members are not counted.
/// </summary>
public partial class SourceSizeTests
{
    const int MaxFileLines = 300;
    const int MaxMethodLines = 60;

    static IEnumerable<string> SourceFiles() =>
        new[] { "src", "services", "bench" }
            .SelectMany(d => Directory.GetFiles(Path.Combine(Repo.Root, d), "*.cs", SearchOption.AllDirectories))
            .Select(f => Path.GetRelativePath(Repo.Root, f).Replace('\\', '/'))
            .Where(f => !f.Split('/').Any(s => s is "bin" or "obj"));

    /// <summary>Each file over the file limit, and "file: Method" for each method over the method limit.</summary>
    internal static IEnumerable<string> Oversized(string file, string[] lines)
    {
        if (lines.Length > MaxFileLines)
        {
            yield return file;
        }
        for (var open = 0; open < lines.Length; open++)
        {
            var brace = OpeningBrace().Match(lines[open]);
            if (!brace.Success)
            {
                continue;
            }
            var indent = brace.Groups["indent"].Value;
            var start = open - 1;
            while (start > 0 && !(lines[start].StartsWith(indent, StringComparison.Ordinal) && lines[start].Length > indent.Length && lines[start][indent.Length] != ' '))
            {
                start--;
            }
            var declaration = start >= 0 ? MethodDeclaration().Match(lines[start]) : Match.Empty;
            var head = start >= 0 ? lines[start].Split('(')[0] : "";
            if (!declaration.Success || lines[start].Contains("=>", StringComparison.Ordinal) || head.Contains('=', StringComparison.Ordinal) || TypeKeyword().IsMatch(head))
            {
                continue;
            }
            var close = Array.FindIndex(lines, open + 1, l => l == indent + "}");
            if (close >= 0 && close - start + 1 > MaxMethodLines)
            {
                yield return $"{file}: {declaration.Groups["name"].Value}";
            }
        }
    }

    [Fact]
    public void No_file_or_method_is_over_the_limit()
    {
        var over = SourceFiles().SelectMany(f => Oversized(f, File.ReadAllLines(Path.Combine(Repo.Root, f)))).Order(StringComparer.Ordinal).ToList();

        Assert.True(over.Count == 0, $"over the limit ({MaxFileLines} lines a file, {MaxMethodLines} a method): {string.Join(", ", over)}");
    }

    [Fact]
    public void The_counter_sees_a_long_method_and_a_long_file()
    {
        // A method of `lines` lines in all, from its declaration to its closing brace.
        static string[] Method(int lines) => ["    public int Sum(int a)", "    {", .. Enumerable.Repeat("        a++;", lines - 3), "    }"];

        Assert.Equal(["x.cs: Sum"], Oversized("x.cs", Method(61)));
        Assert.Empty(Oversized("x.cs", Method(60)));
        Assert.Equal(["x.cs"], Oversized("x.cs", [.. Enumerable.Repeat("// line", 301)]));
        Assert.Empty(Oversized("x.cs", [.. Enumerable.Repeat("// line", 300)]));
    }

    [GeneratedRegex(@"\b(class|record|struct|interface)\b")]
    private static partial Regex TypeKeyword();

    [GeneratedRegex(@"^(?<indent>\s*)\{\s*$")]
    private static partial Regex OpeningBrace();

    // A declaration with a parameter list: modifiers and a return type (or a constructor's name), no '=' before the '('.
    [GeneratedRegex(@"^\s*(?!(?:return|yield|var|await|select|new|throw|if|else|for|foreach|while|switch|using|lock|catch|case)\b)(?:[\w<>\[\],.?]+\s+)*(?<name>\w+)(?:<[^>()=]*>)?\(")]
    private static partial Regex MethodDeclaration();
}
