using System.Diagnostics;
using CloudMart.ServiceDefaults.Contracts;
using Microsoft.Data.Sqlite;

namespace CloudMart.DatabaseService.Storage;

/// <summary>
/// Folds the write-ahead log back into the database file at a steady interval. While it does,
/// new writes are turned away with 503 and a Retry-After, rather than left waiting behind the
/// checkpoint's lock: a client that honours Retry-After, or backs off, gets in on a later
/// attempt; a client that retries at once lands in the same pause every time.
/// </summary>
/// <remarks>
/// On the lab's few thousand rows the checkpoint itself takes milliseconds, so the pause is held
/// for at least <see cref="MinimumPause"/>: about what a checkpoint of a busy production log costs,
/// and long enough that four attempts made back to back all fall inside it. At 3 orders a second
/// that is one or two orders in each interval.
/// </remarks>
public sealed partial class WriteCheckpoints(OrderStore store, ILogger<WriteCheckpoints> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan MinimumPause = TimeSpan.FromMilliseconds(600);

    long _pausedUntil;

    /// <summary>Whether a write may start now; when not, how long until it may.</summary>
    public bool TryAdmit(out TimeSpan retryAfter)
    {
        var remaining = Interlocked.Read(ref _pausedUntil) - Stopwatch.GetTimestamp();
        retryAfter = remaining > 0 ? Stopwatch.GetElapsedTime(0, remaining) : TimeSpan.Zero;
        return remaining <= 0;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var started = Stopwatch.GetTimestamp();
            Interlocked.Exchange(ref _pausedUntil, started + (long)(MinimumPause.TotalSeconds * Stopwatch.Frequency));
            try
            {
                await Task.Run(Checkpoint, stoppingToken);
            }
            catch (SqliteException ex)
            {
                LogCheckpointFailed(logger, ex.Message);
            }
            var took = Stopwatch.GetElapsedTime(started);
            if (took < MinimumPause)
            {
                await Task.Delay(MinimumPause - took, stoppingToken);
            }
            Interlocked.Exchange(ref _pausedUntil, 0);
            LogCheckpoint(logger, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    void Checkpoint()
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = store.Path }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout = 5000; PRAGMA wal_checkpoint(TRUNCATE);";
        command.ExecuteNonQuery();
    }

    [LoggerMessage(EventId = 3, EventName = LogEvents.WalCheckpoint, Level = LogLevel.Debug, Message = "Checkpointed the write-ahead log; writes paused for {PausedMs:0} ms")]
    static partial void LogCheckpoint(ILogger logger, double pausedMs);

    [LoggerMessage(EventId = 4, EventName = LogEvents.WalCheckpointFailed, Level = LogLevel.Warning, Message = "The write-ahead log checkpoint failed: {Error}")]
    static partial void LogCheckpointFailed(ILogger logger, string error);
}
