using System.Globalization;
using System.Threading.Channels;
using CloudMart.ServiceDefaults.Contracts;
using Microsoft.Data.Sqlite;

namespace CloudMart.DatabaseService.Storage;

/// <summary>
/// Orders in a SQLite file. A store is acknowledged only after its transaction has committed
/// with a full sync, so an acknowledged order survives a crash or a kill. Stores that arrive
/// together share one transaction (group commit): one sync covers the whole batch, which is
/// what lets the write path keep up with many concurrent orders.
/// </summary>
public sealed partial class OrderStore : IDisposable
{
    const int MaxBatch = 256;

    /// <summary>
    /// Stores waiting for the writer. Bounded so a slow disk turns into waiting callers (whose own
    /// timeouts then apply) instead of a queue that grows without limit and is written long after
    /// everyone stopped waiting.
    /// </summary>
    public const int QueueCapacity = 1024;

    readonly string _connectionString;
    readonly Channel<PendingStore> _queue = Channel.CreateBounded<PendingStore>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    readonly Task _writer;

    public OrderStore(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        MakePrivate(Path);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Pooling = true }.ToString();

        using (var connection = Open())
        {
            Execute(connection, """
                PRAGMA journal_mode = WAL;
                CREATE TABLE IF NOT EXISTS orders (
                    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
                    id        TEXT    NOT NULL UNIQUE,
                    item      TEXT    NOT NULL,
                    quantity  INTEGER NOT NULL,
                    timestamp TEXT    NOT NULL,
                    customer  TEXT,
                    stored_at TEXT    NOT NULL
                );
                CREATE INDEX IF NOT EXISTS orders_by_customer ON orders (customer, seq);
                """);
        }
        _writer = Task.Factory.StartNew(WriteLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>The database file: DATA_DIR/DB_NAME.db.</summary>
    public string Path { get; }

    public static string PathFor(DatabaseOptions options) =>
        System.IO.Path.Combine(options.DataDir, options.DbName + ".db");

    /// <summary>
    /// Stores an order; completes once it is durable. Storing an id again with the same item, quantity
    /// and customer keeps the first and reports Created = false; with different ones it changes nothing
    /// and reports Success = false. A store whose <paramref name="abandoned"/> fires before the writer
    /// takes it is never written, so a caller that gave up has not stored anything behind its back.
    /// </summary>
    public async Task<StoreResult> StoreAsync(Order order, CancellationToken abandoned = default)
    {
        var pending = new PendingStore(order, abandoned);
        try
        {
            await _queue.Writer.WriteAsync(pending, abandoned).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new ObjectDisposedException(nameof(OrderStore));
        }
        return await pending.Completion.Task.ConfigureAwait(false);
    }

    /// <summary>The newest orders first; only <paramref name="customer"/>'s when one is named.</summary>
    public IReadOnlyList<Order> List(int limit, string? customer = null)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = customer is null
            ? "SELECT id, item, quantity, timestamp, customer FROM orders ORDER BY seq DESC LIMIT $limit"
            : "SELECT id, item, quantity, timestamp, customer FROM orders WHERE customer = $customer ORDER BY seq DESC LIMIT $limit";
        command.Parameters.AddWithValue("$limit", limit);
        if (customer is not null)
        {
            command.Parameters.AddWithValue("$customer", customer);
        }
        using var reader = command.ExecuteReader();
        var orders = new List<Order>();
        while (reader.Read())
        {
            orders.Add(ReadOrder(reader));
        }
        return orders;
    }

    public Order? Find(string id)
    {
        using var connection = Open();
        return Find(connection, id);
    }

    /// <summary>How many orders are stored, all of them or one customer's.</summary>
    public long Count(string? customer = null)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = customer is null
            ? "SELECT COUNT(*) FROM orders"
            : "SELECT COUNT(*) FROM orders WHERE customer = $customer";
        if (customer is not null)
        {
            command.Parameters.AddWithValue("$customer", customer);
        }
        return (long)command.ExecuteScalar()!;
    }

    public bool IsReachable()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1";
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture) == 1;
    }

    const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Customers' orders are readable by this service's user only: the folder 0700, the database 0600
    /// (SQLite gives its -wal and -shm files the database file's mode). A folder shared with others
    /// (sticky, like /tmp) or one this user may not change is left as it is; the file still is private.
    /// </summary>
    static void MakePrivate(string databaseFile)
    {
        var folder = System.IO.Path.GetDirectoryName(databaseFile)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            return;
        }
        if (!Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder, OwnerOnlyFolder);
        }
        else if (!File.GetUnixFileMode(folder).HasFlag(UnixFileMode.StickyBit))
        {
            try
            {
                File.SetUnixFileMode(folder, OwnerOnlyFolder);
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        if (!File.Exists(databaseFile))
        {
            using var created = new FileStream(databaseFile, new FileStreamOptions
            {
                Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = OwnerOnlyFile,
            });
        }
        foreach (var file in new[] { databaseFile, databaseFile + "-wal", databaseFile + "-shm" })
        {
            if (File.Exists(file))
            {
                File.SetUnixFileMode(file, OwnerOnlyFile);
            }
        }
    }

    SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Execute(connection, "PRAGMA busy_timeout = 5000;");
        return connection;
    }

    static Order? Find(SqliteConnection connection, string id, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT id, item, quantity, timestamp, customer FROM orders WHERE id = $id";
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadOrder(reader) : null;
    }

    /// <summary>A replay of a stored order: its own timestamp may differ, what was ordered may not.</summary>
    static bool SameOrder(Order stored, Order replay) =>
        stored.Item == replay.Item && stored.Quantity == replay.Quantity && stored.Customer == replay.Customer;

    static Order ReadOrder(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetInt32(2),
        DateTimeOffset.Parse(reader.GetString(3), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
        reader.IsDBNull(4) ? null : reader.GetString(4));

    static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _writer.GetAwaiter().GetResult();
    }

    sealed class PendingStore(Order order, CancellationToken abandoned)
    {
        public Order Order { get; } = order;
        public CancellationToken Abandoned { get; } = abandoned;
        public TaskCompletionSource<StoreResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
