using System.Diagnostics;

namespace CloudMart.Testing;

/// <summary>How a test ends a process it started: the whole tree, then the handle.</summary>
public static class ProcessEnd
{
    public static void KillAndDispose(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        process.Dispose();
    }
}
