using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace CloudMart.ServiceDefaults.Logging;

/// <summary>
/// One log entry as one JSON object on one line, with the fields Loki's json stage and a
/// learner's grep look for: timestamp, level, service, trace_id, span_id, message. The names are
/// <see cref="LogFields"/>; a log call's placeholders go under <c>attributes</c> as fields of their
/// own, which is what <see cref="LogLine"/> reads.
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
            writer.WriteString(LogFields.Timestamp, Timestamp());
            writer.WriteString(LogFields.Level, LevelName(level));
            writer.WriteString(LogFields.Service, service);
            if (activity is not null)
            {
                writer.WriteString(LogFields.TraceId, activity.TraceId.ToHexString());
                writer.WriteString(LogFields.SpanId, activity.SpanId.ToHexString());
            }
            writer.WriteString(LogFields.Message, message);
            writer.WriteString(LogFields.Category, category);
            if (eventId.Name is { } eventName)
            {
                writer.WriteString(LogFields.Event, eventName);
            }
            if (state is IReadOnlyList<KeyValuePair<string, object?>> properties && properties.Count > 1)
            {
                writer.WriteStartObject(LogFields.Attributes);
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
                writer.WriteString(LogFields.Exception, exception.ToString());
            }
            writer.WriteEndObject();
        }
        output.Write("\n"u8);
    }

    /// <summary>The one line a service writes when its variables stop it from starting.</summary>
    public static void WriteStartFailure(Stream output, string service, ServiceConfigurationException failure) =>
        WriteFatal(output, service, $"FATAL: {failure.Message}. {service} cannot start.", new Dictionary<string, string?>
        {
            [LogAttributes.Variable] = failure.Variable,
            [LogAttributes.Value] = failure.Value,
            [LogAttributes.Expected] = failure.Expected,
        });

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
            writer.WriteString(LogFields.Timestamp, Timestamp());
            writer.WriteString(LogFields.Level, LevelName(LogLevel.Critical));
            writer.WriteString(LogFields.Service, service);
            writer.WriteString(LogFields.Message, message);
            writer.WriteStartObject(LogFields.Attributes);
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
        LogLevel.Trace => LogLevels.Trace,
        LogLevel.Debug => LogLevels.Debug,
        LogLevel.Information => LogLevels.Info,
        LogLevel.Warning => LogLevels.Warn,
        LogLevel.Error => LogLevels.Error,
        LogLevel.Critical => LogLevels.Fatal,
        _ => LogLevels.None,
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
