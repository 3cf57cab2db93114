using System.Text.RegularExpressions;

namespace CloudMart.Manifests.Tests.Support;

/// <summary>One instruction of a Dockerfile, continuation lines joined, in its build stage.</summary>
public sealed record DockerInstruction(int Stage, string Keyword, string Arguments);

/// <summary>A Dockerfile read into its instructions, enough to check it without a docker engine.</summary>
public sealed partial class Dockerfile
{
    Dockerfile(string path, IReadOnlyList<DockerInstruction> instructions)
    {
        Path = path;
        Instructions = instructions;
    }

    public string Path { get; }

    public IReadOnlyList<DockerInstruction> Instructions { get; }

    public static Dockerfile Load(string path)
    {
        var instructions = new List<DockerInstruction>();
        var stage = -1;
        var pending = "";
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (pending.Length == 0 && (line.Length == 0 || line.StartsWith('#')))
            {
                continue;
            }
            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }
            var full = (pending + line).Trim();
            pending = "";
            var space = full.IndexOf(' ', StringComparison.Ordinal);
            var keyword = (space < 0 ? full : full[..space]).ToUpperInvariant();
            var arguments = space < 0 ? "" : Spaces().Replace(full[(space + 1)..], " ").Trim();
            if (keyword == "FROM")
            {
                stage++;
            }
            instructions.Add(new DockerInstruction(stage, keyword, arguments));
        }
        return new Dockerfile(path, instructions);
    }

    /// <summary>The FROM instructions: (image, stage name or null).</summary>
    public IReadOnlyList<(string Image, string? Name)> Stages =>
        Instructions.Where(i => i.Keyword == "FROM").Select(i =>
        {
            var words = i.Arguments.Split(' ');
            var asIndex = Array.FindIndex(words, w => w.Equals("AS", StringComparison.OrdinalIgnoreCase));
            return (words[0], asIndex >= 0 ? words[asIndex + 1] : (string?)null);
        }).ToList();

    public IEnumerable<DockerInstruction> InStage(int stage, string keyword) =>
        Instructions.Where(i => i.Stage == stage && i.Keyword == keyword);

    public int FinalStage => Instructions.Max(i => i.Stage);

    /// <summary>The ENV pairs set in a stage (key=value form).</summary>
    public IReadOnlyDictionary<string, string> EnvOf(int stage)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var env in InStage(stage, "ENV"))
        {
            foreach (Match pair in EnvPair().Matches(env.Arguments))
            {
                values[pair.Groups["key"].Value] = pair.Groups["value"].Value.Trim('"');
            }
        }
        return values;
    }

    /// <summary>The source paths of the COPY instructions that read the build context (not another stage).</summary>
    public IEnumerable<string> ContextSources =>
        Instructions.Where(i => i.Keyword == "COPY" && !i.Arguments.StartsWith("--from", StringComparison.Ordinal))
            .SelectMany(i => i.Arguments.Split(' ').Where(w => !w.StartsWith("--", StringComparison.Ordinal)).SkipLast(1));

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex("(?<key>[A-Za-z_][A-Za-z0-9_]*)=(?<value>\"[^\"]*\"|[^ ]*)")]
    private static partial Regex EnvPair();
}
