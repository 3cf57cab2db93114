namespace CloudMart.EndToEnd.Tests;

/// <summary>The healthy system for one test class; offsets from 20000 up, clear of the CLI tests' range and of the kernel's ephemeral ports (32768 and up).</summary>
public sealed class LocalSystemFixture : LocalSystem
{
    protected override IEnumerable<int> PortOffsets => Offsets(20_000, 20, 500, 400);
}
