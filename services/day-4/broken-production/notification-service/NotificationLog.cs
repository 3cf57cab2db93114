using CloudMart.ServiceDefaults.Contracts;

namespace CloudMart.NotificationService;

/// <summary>The most recent notifications, newest first; older ones fall off past <see cref="Capacity"/>.</summary>
public sealed class NotificationLog
{
    public const int Capacity = 1000;

    readonly object _gate = new();
    readonly LinkedList<NotificationRecord> _records = new();
    long _total;

    public long Total => Interlocked.Read(ref _total);

    public void Add(NotificationRecord record)
    {
        lock (_gate)
        {
            _records.AddFirst(record);
            if (_records.Count > Capacity)
            {
                _records.RemoveLast();
            }
        }
        Interlocked.Increment(ref _total);
    }

    public IReadOnlyList<NotificationRecord> Recent(int limit)
    {
        lock (_gate)
        {
            return _records.Take(limit).ToList();
        }
    }
}
