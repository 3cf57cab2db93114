namespace CloudMart.Services.Tests;

/// <summary>Turns a table of cases written as tuples into xUnit's theory data.</summary>
public static class TheoryTables
{
    public static TheoryData<string, string> From(IEnumerable<(string, string)> rows)
    {
        var data = new TheoryData<string, string>();
        foreach (var (first, second) in rows)
        {
            data.Add(first, second);
        }
        return data;
    }
}
