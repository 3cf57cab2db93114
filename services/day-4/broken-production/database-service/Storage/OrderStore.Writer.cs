using System.Globalization;
using System.Threading.Channels;
using CloudMart.ServiceDefaults.Contracts;
using Microsoft.Data.Sqlite;

namespace CloudMart.DatabaseService.Storage;

/// <summary>The one writer: it takes the waiting stores in batches and commits each batch in one transaction.</summary>
public sealed partial class OrderStore
{
    async Task WriteLoop()
    {
        using var connection = Open();
        Execute(connection, "PRAGMA synchronous = FULL;");
        using var insert = InsertCommand(connection);
        var batch = new List<PendingStore>(MaxBatch);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            TakeBatch(reader, batch);
            if (batch.Count == 0)
            {
                continue;
            }
            StoreResult[] results;
            try
            {
                results = Write(connection, insert, batch);
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

    /// <summary>Up to <see cref="MaxBatch"/> waiting stores; one whose caller already left is dropped, not written.</summary>
    static void TakeBatch(ChannelReader<PendingStore> reader, List<PendingStore> batch)
    {
        batch.Clear();
        while (batch.Count < MaxBatch && reader.TryRead(out var pending))
        {
            // Once taken here a store is committed even if its caller leaves now; before, it is dropped.
            if (pending.Abandoned.IsCancellationRequested)
            {
                pending.Completion.TrySetCanceled(pending.Abandoned);
                continue;
            }
            batch.Add(pending);
        }
    }

    static SqliteCommand InsertCommand(SqliteConnection connection)
    {
        var insert = connection.CreateCommand();
        insert.CommandText = """
            INSERT INTO orders (id, item, quantity, timestamp, customer, stored_at)
            VALUES ($id, $item, $quantity, $timestamp, $customer, $stored_at)
            ON CONFLICT (id) DO NOTHING
            """;
        insert.Parameters.Add("$id", SqliteType.Text);
        insert.Parameters.Add("$item", SqliteType.Text);
        insert.Parameters.Add("$quantity", SqliteType.Integer);
        insert.Parameters.Add("$timestamp", SqliteType.Text);
        insert.Parameters.Add("$customer", SqliteType.Text);
        insert.Parameters.Add("$stored_at", SqliteType.Text);
        return insert;
    }

    /// <summary>Writes the batch in one transaction: each order is created, or found already stored under its id.</summary>
    static StoreResult[] Write(SqliteConnection connection, SqliteCommand insert, List<PendingStore> batch)
    {
        var results = new StoreResult[batch.Count];
        using var transaction = connection.BeginTransaction();
        insert.Transaction = transaction;
        var now = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        for (var i = 0; i < batch.Count; i++)
        {
            var order = batch[i].Order;
            insert.Parameters["$id"].Value = order.Id;
            insert.Parameters["$item"].Value = order.Item;
            insert.Parameters["$quantity"].Value = order.Quantity;
            insert.Parameters["$timestamp"].Value = order.Timestamp.ToString("O", CultureInfo.InvariantCulture);
            insert.Parameters["$customer"].Value = (object?)order.Customer ?? DBNull.Value;
            insert.Parameters["$stored_at"].Value = now;
            var created = insert.ExecuteNonQuery() == 1;
            var stored = created ? order : Find(connection, order.Id, transaction)!;
            results[i] = new StoreResult(created || SameOrder(stored, order), stored, created);
        }
        transaction.Commit();
        return results;
    }
}
