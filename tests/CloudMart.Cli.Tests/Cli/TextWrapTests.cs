using CloudMart.Diagnosis;

namespace CloudMart.Cli.Tests.Cli;

/// <summary>Long values (paths, field names, messages) wrap between their parts, never inside a word.</summary>
public sealed class TextWrapTests : IDisposable
{
    static readonly string Broken = Path.Combine(TestMachine.RepositoryRoot, "k8s", "day-4", "broken-production");
    readonly TempFolder _folder = new();

    [Theory]
    [InlineData("k8s/day-4/broken-production/03-order-service.yaml:42", 20)]
    [InlineData("spec.template.spec.containers[0].resources.limits.memory", 16)]
    [InlineData("Deployment/order-service spec.template.spec.containers[0].env[DATABASE_URL]", 25)]
    public void A_path_breaks_only_after_a_separator_or_before_a_bracket_and_loses_nothing(string text, int width)
    {
        var lines = TextWrap.Lines(text, width);

        Assert.True(lines.Count > 1);
        Assert.All(lines, l => Assert.True(l.Length <= width, $"'{l}' is wider than {width}"));
        Assert.Equal(text.Replace(" ", "", StringComparison.Ordinal), string.Concat(lines).Replace(" ", "", StringComparison.Ordinal));
        foreach (var line in lines.SkipLast(1))
        {
            var next = lines[lines.ToList().IndexOf(line) + 1];
            Assert.True("/.-,:=;)]".Contains(line[^1]) || next[0] == '[' || text.Contains(line + " ", StringComparison.Ordinal),
                $"broke inside a word: '{line}' | '{next}'");
        }
    }

    [Fact]
    public void Prose_breaks_at_spaces_and_a_part_wider_than_the_line_is_cut()
    {
        Assert.Equal(["the order", "service"], TextWrap.Lines("the order service", 10));
        Assert.Equal(["abcdefgh", "ij"], TextWrap.Lines("abcdefghij", 8));
        Assert.Equal(["a", "", "b"], TextWrap.Lines("a\n\nb", 8));
    }

    [Theory]
    [InlineData(80)]
    [InlineData(100)]
    [InlineData(140)]
    public async Task The_diagnose_table_at_a_narrow_width_keeps_every_word_of_its_paths_and_fields_whole(int width)
    {
        var result = await InProcessCli.RunAsync(_folder.Path, ["diagnose", Broken], width);

        Assert.Equal((int)ExitCodes.ProblemsFound, result.ExitCode);
        var lines = result.Stdout.Split('\n');
        Assert.All(lines, l => Assert.True(l.TrimEnd('\r').Length <= width, $"wider than {width}: {l}"));
        var report = FolderDiagnosis.Run(Broken);
        var values = report.Findings.SelectMany(f => new[] { f.Location.Field, f.Location.FileAndLine, f.Location.Resource, f.Value, f.Expected })
            .OfType<string>();
        var words = values.SelectMany(v => v.Split([' ', '/', '.', '-', '_', ',', ':', '=', ';', ')', ']', '[', '(', '"', '\''], StringSplitOptions.RemoveEmptyEntries))
            .Where(w => w.Length >= 4).Distinct().ToList();
        Assert.NotEmpty(words);
        Assert.All(words, w => Assert.Contains(w, result.Stdout));
    }

    public void Dispose() => _folder.Dispose();
}
