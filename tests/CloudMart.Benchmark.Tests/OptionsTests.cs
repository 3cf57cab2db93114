namespace CloudMart.Benchmark.Tests;

public class OptionsTests
{
    [Fact]
    public void Parse_connections_sorts_and_deduplicates()
    {
        Assert.Equal([1, 16, 64], Program.ParseConnections("64, 1,16,16"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("1,abc")]
    [InlineData("-4")]
    [InlineData("20000")]
    public void Parse_connections_bad_list_throws(string text)
    {
        Assert.Throws<FormatException>(() => Program.ParseConnections(text));
    }

    [Fact]
    public void Delta_counts_new_processes_in_full_and_ignores_vanished_ones()
    {
        var before = new GroupCpuSample(new Dictionary<int, long> { [10] = 100, [11] = 50 });
        var after = new GroupCpuSample(new Dictionary<int, long> { [10] = 130, [12] = 7 });

        Assert.Equal(37, ProcStat.Delta(before, after));
    }

    [Fact]
    public void Parse_environment_splits_at_the_first_equals()
    {
        var variables = Program.ParseEnvironment(["DOTNET_GCgen0size=0x400000", "EMPTY=", "B=x=y"]);

        Assert.Equal(new Dictionary<string, string> { ["DOTNET_GCgen0size"] = "0x400000", ["EMPTY"] = "", ["B"] = "x=y" }, variables);
    }

    [Theory]
    [InlineData("NOEQUALS")]
    [InlineData("=value")]
    [InlineData("1ABC=x")]
    [InlineData("A B=x")]
    public void Parse_environment_bad_assignment_throws(string assignment)
    {
        Assert.Throws<FormatException>(() => Program.ParseEnvironment([assignment]));
    }
}
