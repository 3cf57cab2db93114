using System.Diagnostics;
using System.Text;
using CloudMart.ServiceDefaults.Logging;
using Microsoft.Extensions.Logging;

namespace CloudMart.Services.Tests;

public sealed class JsonLogProviderTests
{
    [Fact]
    public void Every_line_logged_is_one_JSON_object_with_the_service_level_message_and_the_current_trace_and_span()
    {
        var output = new MemoryStream();
        using var listener = new ActivityListener { ShouldListenTo = _ => true, Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource("test");
        string traceId, spanId;

        using (var provider = new JsonLogProvider("order-service", output))
        {
            var logger = provider.CreateLogger("Test");
            using (var activity = source.StartActivity("op")!)
            {
                traceId = activity.TraceId.ToHexString();
                spanId = activity.SpanId.ToHexString();
                for (var i = 0; i < 500; i++)
                {
                    logger.LogInformation("Order {Number} \"quoted\"\nsecond line", i);
                }
            }
            logger.LogError("outside any trace");
        }

        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(501, lines.Length);
        for (var i = 0; i < 500; i++)
        {
            using var json = JsonDocument.Parse(lines[i]);
            var root = json.RootElement;
            Assert.Equal("info", root.GetProperty("level").GetString());
            Assert.Equal("order-service", root.GetProperty("service").GetString());
            Assert.Equal(traceId, root.GetProperty("trace_id").GetString());
            Assert.Equal(spanId, root.GetProperty("span_id").GetString());
            Assert.Equal($"Order {i} \"quoted\"\nsecond line", root.GetProperty("message").GetString());
            Assert.Equal(i, root.GetProperty("attributes").GetProperty("Number").GetInt32());
            Assert.True(DateTimeOffset.TryParse(root.GetProperty("timestamp").GetString(), out _));
        }
        using var last = JsonDocument.Parse(lines[^1]);
        Assert.Equal("error", last.RootElement.GetProperty("level").GetString());
        Assert.False(last.RootElement.TryGetProperty("trace_id", out _));
    }

    [Fact]
    public void Lines_logged_right_after_a_write_wait_out_the_linger_and_leave_in_one_write_and_disposing_flushes_them_at_once()
    {
        var output = new WriteCountingStream();
        var provider = new JsonLogProvider("api-service", output, linger: TimeSpan.FromSeconds(30));
        var logger = provider.CreateLogger("Test");

        logger.LogInformation("first");
        Assert.True(SpinWait.SpinUntil(() => output.Writes == 1, TimeSpan.FromSeconds(10)), "an idle writer writes a line at once");
        for (var i = 0; i < 100; i++)
        {
            logger.LogInformation("next {Number}", i);
        }
        Thread.Sleep(300);
        Assert.Equal(1, output.Writes);

        var clock = Stopwatch.StartNew();
        provider.Dispose();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"Dispose waited {clock.Elapsed} instead of ending the linger");
        Assert.Equal(2, output.Writes);
        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(101, lines.Length);
        Assert.Contains("next 99", lines[^1]);
    }

    sealed class WriteCountingStream : MemoryStream
    {
        int _writes;

        public int Writes => Volatile.Read(ref _writes);

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            var copy = buffer.ToArray();
            base.Write(copy, 0, copy.Length);
            Interlocked.Increment(ref _writes);
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
    }
}
