using System.Buffers;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace CloudMart.ServiceDefaults.Logging;

/// <summary>
/// Logs JSON lines to standard output. Each line is formatted on the thread that logs it (so it
/// carries that thread's trace and span ids); a background thread writes whatever lines have
/// gathered in one system call. After each write the writer rests for <see cref="DefaultLinger"/>, so
/// a busy service wakes it and writes at most a few hundred times a second however many lines
/// it logs, and an idle one still shows each line within milliseconds.
/// </summary>
public sealed class JsonLogProvider : ILoggerProvider
{
    const int MaxQueuedLines = 16_384;
    const int MaxBatchBytes = 64 * 1024;

    /// <summary>The pause after a write, in which the next lines gather.</summary>
    public static readonly TimeSpan DefaultLinger = TimeSpan.FromMilliseconds(5);

    readonly string _service;
    readonly Stream _output;
    readonly Queue<byte[]> _queue = new();
    readonly object _gate = new();
    readonly Thread _writer;
    readonly TimeSpan _linger;
    bool _stopping;
    bool _writerWaiting;
    int _producersWaiting;

    public JsonLogProvider(string service, Stream? output = null, TimeSpan? linger = null)
    {
        _service = service;
        _linger = linger ?? DefaultLinger;
        _output = output ?? Console.OpenStandardOutput();
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "JSON log writer" };
        _writer.Start();
    }

    public ILogger CreateLogger(string categoryName) => new JsonLogger(this, categoryName);

    void Enqueue(byte[] line)
    {
        lock (_gate)
        {
            // A full queue makes the logging thread wait rather than lose lines.
            while (_queue.Count >= MaxQueuedLines && !_stopping)
            {
                _producersWaiting++;
                Monitor.Wait(_gate, 100);
                _producersWaiting--;
            }
            _queue.Enqueue(line);
            // Only a writer with nothing to do is woken; a resting one finds the line when it wakes.
            if (_writerWaiting)
            {
                Monitor.PulseAll(_gate);
            }
        }
    }

    void WriteLoop()
    {
        var batch = new ArrayBufferWriter<byte>(MaxBatchBytes);
        var rest = false;
        while (true)
        {
            lock (_gate)
            {
                // After a write that emptied the queue, let the next lines gather; Dispose ends the rest.
                if (rest && !_stopping)
                {
                    Monitor.Wait(_gate, _linger);
                }
                while (_queue.Count == 0)
                {
                    if (_stopping)
                    {
                        return;
                    }
                    _writerWaiting = true;
                    Monitor.Wait(_gate);
                    _writerWaiting = false;
                }
                while (_queue.Count > 0 && batch.WrittenCount < MaxBatchBytes)
                {
                    batch.Write(_queue.Dequeue());
                }
                rest = _queue.Count == 0;
                if (_producersWaiting > 0)
                {
                    Monitor.PulseAll(_gate);
                }
            }
            try
            {
                _output.Write(batch.WrittenSpan);
                _output.Flush();
            }
            catch (IOException)
            {
                // Standard output is gone (the reader closed the pipe); there is nowhere left to log.
            }
            batch.ResetWrittenCount();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopping = true;
            Monitor.PulseAll(_gate);
        }
        _writer.Join(TimeSpan.FromSeconds(5));
    }

    sealed class JsonLogger(JsonLogProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }
            var message = formatter(state, exception);
            var buffer = new ArrayBufferWriter<byte>(384);
            JsonLogLine.Write(buffer, provider._service, category, logLevel, eventId, state, message, exception, Activity.Current);
            provider.Enqueue(buffer.WrittenSpan.ToArray());
        }
    }
}
