using System.Diagnostics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace CloudMart.ServiceDefaults.Logging;

/// <summary>
/// Writes each log entry as one JSON object on one line, with the fields Loki's json stage
/// and a learner's grep look for: timestamp, level, service, trace_id, span_id, message.
/// </summary>
public sealed class JsonLineFormatter : ConsoleFormatter
{
    public const string FormatterName = "cloudmart-json";

    static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The service name stamped on every line; set once at start.</summary>
    public static string ServiceName { get; set; } = "cloudmart";

    public JsonLineFormatter() : base(FormatterName)
    {
    }

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        var activity = Activity.Current;
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("timestamp", DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteString("level", LevelName(logEntry.LogLevel));
            writer.WriteString("service", ServiceName);
            if (activity is not null)
            {
                writer.WriteString("trace_id", activity.TraceId.ToHexString());
                writer.WriteString("span_id", activity.SpanId.ToHexString());
            }
            writer.WriteString("message", message);
            writer.WriteString("category", logEntry.Category);
            if (logEntry.EventId.Name is { } eventName)
            {
                writer.WriteString("event", eventName);
            }
            if (logEntry.State is IReadOnlyList<KeyValuePair<string, object?>> properties && properties.Count > 1)
            {
                writer.WriteStartObject("attributes");
                foreach (var (key, value) in properties)
                {
                    if (key == "{OriginalFormat}")
                    {
                        continue;
                    }
                    WriteValue(writer, key, value);
                }
                writer.WriteEndObject();
            }
            if (logEntry.Exception is { } exception)
            {
                writer.WriteString("exception", exception.ToString());
            }
            writer.WriteEndObject();
        }
        textWriter.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        textWriter.Write('\n');
    }

    static void WriteValue(Utf8JsonWriter writer, string key, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNull(key); break;
            case bool b: writer.WriteBoolean(key, b); break;
            case int i: writer.WriteNumber(key, i); break;
            case long l: writer.WriteNumber(key, l); break;
            case double d when double.IsFinite(d): writer.WriteNumber(key, d); break;
            case IFormattable f: writer.WriteString(key, f.ToString(null, System.Globalization.CultureInfo.InvariantCulture)); break;
            default: writer.WriteString(key, value.ToString()); break;
        }
    }

    public static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "error",
        LogLevel.Critical => "fatal",
        _ => "none",
    };

    /// <summary>
    /// Writes a single fatal line straight to stdout, for failures that happen before the
    /// logging pipeline exists (a bad variable at start).
    /// </summary>
    public static void WriteFatal(TextWriter output, string service, string message, IReadOnlyDictionary<string, string?> attributes)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("timestamp", DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteString("level", "fatal");
            writer.WriteString("service", service);
            writer.WriteString("message", message);
            writer.WriteStartObject("attributes");
            foreach (var (key, value) in attributes)
            {
                writer.WriteString(key, value);
            }
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        output.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        output.Write('\n');
        output.Flush();
    }
}
