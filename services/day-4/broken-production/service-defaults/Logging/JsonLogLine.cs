using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace CloudMart.ServiceDefaults.Logging;

/// <summary>
/// One log entry as one JSON object on one line, with the fields Loki's json stage and a
/// learner's grep look for: timestamp, level, service, trace_id, span_id, message.
/// </summary>
public static class JsonLogLine
{
    static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    /// <summary>Appends one entry and its newline to <paramref name="output"/>.</summary>
    public static void Write<TState>(IBufferWriter<byte> output, string service, string category, LogLevel level, EventId eventId,
        TState state, string message, Exception? exception, Activity? activity)
    {
        using (var writer = new Utf8JsonWriter(output, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("timestamp", Timestamp());
            writer.WriteString("level", LevelName(level));
            writer.WriteString("service", service);
            if (activity is not null)
            {
                writer.WriteString("trace_id", activity.TraceId.ToHexString());
                writer.WriteString("span_id", activity.SpanId.ToHexString());
            }
            writer.WriteString("message", message);
            writer.WriteString("category", category);
            if (eventId.Name is { } eventName)
            {
                writer.WriteString("event", eventName);
            }
            if (state is IReadOnlyList<KeyValuePair<string, object?>> properties && properties.Count > 1)
            {
                writer.WriteStartObject("attributes");
                foreach (var (key, value) in properties)
                {
                    if (key != "{OriginalFormat}")
                    {
                        WriteValue(writer, key, value);
                    }
                }
                writer.WriteEndObject();
            }
            if (exception is not null)
            {
                writer.WriteString("exception", exception.ToString());
            }
            writer.WriteEndObject();
        }
        output.Write("\n"u8);
    }

    /// <summary>
    /// Writes a single fatal line straight to <paramref name="output"/>, for failures that happen
    /// before the logging pipeline exists (a bad variable at start).
    /// </summary>
    public static void WriteFatal(Stream output, string service, string message, IReadOnlyDictionary<string, string?> attributes)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("timestamp", Timestamp());
            writer.WriteString("level", LevelName(LogLevel.Critical));
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
        buffer.Write("\n"u8);
        output.Write(buffer.WrittenSpan);
        output.Flush();
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

    static string Timestamp() => DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    static void WriteValue(Utf8JsonWriter writer, string key, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNull(key); break;
            case bool b: writer.WriteBoolean(key, b); break;
            case int i: writer.WriteNumber(key, i); break;
            case long l: writer.WriteNumber(key, l); break;
            case double d when double.IsFinite(d): writer.WriteNumber(key, d); break;
            case IFormattable f: writer.WriteString(key, f.ToString(null, CultureInfo.InvariantCulture)); break;
            default: writer.WriteString(key, value.ToString()); break;
        }
    }
}
