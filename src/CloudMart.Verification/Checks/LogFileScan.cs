namespace CloudMart.Verification.Checks;

/// <summary>Reads a log file line by line (however long it has grown) and counts the lines that match.</summary>
public sealed record LogFileScan(long Lines, long Matches, IReadOnlyList<string> Kept)
{
    /// <summary>
    /// Scans <paramref name="file"/> from byte <paramref name="offset"/> to its current end, keeping
    /// the first <paramref name="keep"/> matching lines. A file that cannot be read scans as empty.
    /// </summary>
    public static LogFileScan Run(string file, long offset, Func<string, bool> match, int keep)
    {
        var kept = new List<string>();
        long lines = 0, matches = 0;
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            // The end is fixed now: lines written while scanning are left for the next scan, so the loop ends.
            var end = stream.Length;
            if (offset > 0 && offset <= end)
            {
                stream.Seek(offset, SeekOrigin.Begin);
            }
            using var reader = new StreamReader(new BoundedStream(stream, end));
            while (reader.ReadLine() is { } line)
            {
                lines++;
                if (match(line))
                {
                    matches++;
                    if (kept.Count < keep)
                    {
                        kept.Add(line);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
        return new LogFileScan(lines, matches, kept);
    }

    /// <summary>A read-only view of a stream that ends at a fixed position.</summary>
    sealed class BoundedStream(Stream inner, long end) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => end;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) =>
            inner.Read(buffer, offset, (int)Math.Min(count, Math.Max(0, end - inner.Position)));
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
