namespace CloudMart.Lab;

/// <summary>
/// The components' log files: bounded by rotation, read back in order. A component appends to its
/// log through a descriptor opened with O_APPEND, so the file can be copied aside and truncated in
/// place (as logrotate's copytruncate does) without the component noticing.
/// </summary>
public static class LogFiles
{
    /// <summary>Past this size a log is rotated: one older part is kept, so a component's logs stay under twice this.</summary>
    public const long RotateAt = 20 * 1024 * 1024;

    /// <summary>The older part of a rotated log.</summary>
    public static string Rotated(string file) => file + ".1";

    /// <summary>Rotates <paramref name="file"/> when it is larger than <paramref name="limit"/> bytes; true when it did.</summary>
    public static bool RotateIfLarger(string file, long limit = RotateAt)
    {
        try
        {
            if (!File.Exists(file) || new FileInfo(file).Length <= limit)
            {
                return false;
            }
            File.Copy(file, Rotated(file), overwrite: true);
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            stream.SetLength(0);
            return true;
        }
        catch (IOException)
        {
            return false; // the next look tries again
        }
    }

    /// <summary>Every line of a component's log, the rotated part first.</summary>
    public static IEnumerable<string> ReadLines(string file)
    {
        foreach (var part in new[] { Rotated(file), file })
        {
            if (!File.Exists(part))
            {
                continue;
            }
            using var stream = new FileStream(part, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (line.Length > 0)
                {
                    yield return line;
                }
            }
        }
    }
}
