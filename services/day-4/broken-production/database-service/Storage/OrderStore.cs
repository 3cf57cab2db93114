using System.Globalization;
using System.Threading.Channels;
using CloudMart.ServiceDefaults;
using CloudMart.ServiceDefaults.Contracts;
using Microsoft.Data.Sqlite;

namespace CloudMart.DatabaseService.Storage;

/// <summary>
/// Orders in a SQLite file. A store is acknowledged only after its transaction has committed
/// with a full sync, so an acknowledged order survives a crash or a kill. Stores that arrive
/// together share one transaction (group commit): one sync covers the whole batch, which is
/// what lets the write path keep up with many concurrent orders.
/// </summary>
public sealed class OrderStore : IDisposable
{
    const int MaxBatch = 256;

    readonly string _connectionString;
    readonly Channel<PendingStore> _queue = Channel.CreateUnbounded<PendingStore>(new UnboundedChannelOptions { SingleReader = true });
    readonly Task _writer;

    public OrderStore(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
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

    public static string PathFor(ServiceSettings settings) =>
        System.IO.Path.Combine(settings.RequiredText("DATA_DIR"), settings.RequiredText("DB_NAME") + ".db");

    /// <summary>Stores an order; completes once it is durable. Storing an id again keeps the first and reports Created = false.</summary>
    public Task<StoreResult> StoreAsync(Order order)
    {
        var pending = new PendingStore(order);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(OrderStore));
        }
        return pending.Completion.Task;
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

    async Task WriteLoop()
    {
        using var connection = Open();
        Execute(connection, "PRAGMA synchronous = FULL;");
        using var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO orders (id, item, quantity, timestamp, customer, stored_at)
            VALUES ($id, $item, $quantity, $timestamp, $customer, $stored_at)
            ON CONFLICT (id) DO NOTHING
            """;
        var id = insert.Parameters.Add("$id", SqliteType.Text);
        var item = insert.Parameters.Add("$item", SqliteType.Text);
        var quantity = insert.Parameters.Add("$quantity", SqliteType.Integer);
        var timestamp = insert.Parameters.Add("$timestamp", SqliteType.Text);
        var customer = insert.Parameters.Add("$customer", SqliteType.Text);
        var storedAt = insert.Parameters.Add("$stored_at", SqliteType.Text);

        var batch = new List<PendingStore>(MaxBatch);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            var results = new StoreResult[batch.Count];
            try
            {
                using var transaction = connection.BeginTransaction();
                insert.Transaction = transaction;
                var now = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
                for (var i = 0; i < batch.Count; i++)
                {
                    var order = batch[i].Order;
                    id.Value = order.Id;
                    item.Value = order.Item;
                    quantity.Value = order.Quantity;
                    timestamp.Value = order.Timestamp.ToString("O", CultureInfo.InvariantCulture);
                    customer.Value = (object?)order.Customer ?? DBNull.Value;
                    storedAt.Value = now;
                    var created = insert.ExecuteNonQuery() == 1;
                    results[i] = new StoreResult(true, created ? order : Find(connection, order.Id, transaction)!, created);
                }
                transaction.Commit();
            }
            catch (Exception ex)
            {
                foreach (var pending in batch)
                {
                    pending.Completion.TrySetException(ex);
                }
                continue;
            }

            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(results[i]);
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

    sealed class PendingStore(Order order)
    {
        public Order Order { get; } = order;
        public TaskCompletionSource<StoreResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
