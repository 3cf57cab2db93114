using CloudMart.Lab;

namespace CloudMart.Images.Tests.Support;

/// <summary>
/// The docker command line, run to its end with a time limit. Without docker or its engine every
/// call fails the test that made it: these tests exist to prove the images, so they never skip.
/// </summary>
public static class Docker
{
    static readonly Lazy<string> Program = new(() =>
    {
        var path = ProgramRun.Which("docker");
        Assert.True(path is not null, "docker is not installed: the image tests need a docker engine (./cloudmart test installs docker.io and starts dockerd)");
        var info = RunWith(path, ["info", "--format", "{{.ServerVersion}}"], TimeSpan.FromSeconds(30));
        Assert.True(info.ExitCode == 0, $"the docker engine does not answer (start dockerd): {info.Output}");
        return path;
    });

    public static ProgramResult Run(IEnumerable<string> arguments, TimeSpan? timeout = null) =>
        RunWith(Program.Value, arguments, timeout ?? TimeSpan.FromSeconds(60));

    /// <summary>Runs a docker command that must succeed, and returns its trimmed output.</summary>
    public static string Check(params string[] arguments)
    {
        var result = Run(arguments);
        Assert.True(result.ExitCode == 0, $"docker {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.Output}");
        return result.StandardOutput.Trim();
    }

    public static string Inspect(string container, string format) => Check("inspect", "--format", format, container);

    static ProgramResult RunWith(string program, IEnumerable<string> arguments, TimeSpan timeout) =>
        ProgramRun.Run(program, arguments, timeout);
}
