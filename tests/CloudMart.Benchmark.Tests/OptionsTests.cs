namespace CloudMart.Benchmark.Tests;

public class OptionsTests
{
    [Fact]
    public void ParseConnections_SortsAndDeduplicates()
    {
        Assert.Equal([1, 16, 64], Program.ParseConnections("64, 1,16,16"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("1,abc")]
    [InlineData("-4")]
    [InlineData("20000")]
    public void ParseConnections_BadList_Throws(string text)
    {
        Assert.Throws<FormatException>(() => Program.ParseConnections(text));
    }

    [Fact]
    public void Delta_CountsNewProcessesInFull_AndIgnoresVanishedOnes()
    {
        var before = new GroupCpuSample(new Dictionary<int, long> { [10] = 100, [11] = 50 });
        var after = new GroupCpuSample(new Dictionary<int, long> { [10] = 130, [12] = 7 });

        Assert.Equal(37, ProcStat.Delta(before, after));
    }

    [Fact]
    public void ParseEnvironment_SplitsAtTheFirstEquals()
    {
        var variables = Program.ParseEnvironment(["DOTNET_GCgen0size=0x400000", "EMPTY=", "B=x=y"]);

        Assert.Equal(new Dictionary<string, string> { ["DOTNET_GCgen0size"] = "0x400000", ["EMPTY"] = "", ["B"] = "x=y" }, variables);
    }

    [Theory]
    [InlineData("NOEQUALS")]
    [InlineData("=value")]
    [InlineData("1ABC=x")]
    [InlineData("A B=x")]
    public void ParseEnvironment_BadAssignment_Throws(string assignment)
    {
        Assert.Throws<FormatException>(() => Program.ParseEnvironment([assignment]));
    }
}
