using System.Collections.Concurrent;
using System.Data;
using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Engine;
using Npgsql;

namespace Backup.Core.Postgres;

/// <summary>
/// Copies the parts of a full backup taken in parts: each worker opens a connection, adopts the
/// dump's exported snapshot in a read-only repeatable-read transaction, and writes part after part
/// (<c>COPY ... TO STDOUT</c>, text format, the bytes pg_dump would write) into the part store.
/// Rows are counted as they pass (each row ends with the only raw newline text COPY writes), so no
/// second scan counts them.
/// </summary>
internal static class TableDataCopy
{
    private const int BufferSize = 1 << 17;

    /// <summary>
    /// How long the copies and pg_dump wait for a table's lock before they fail the backup. A
    /// request queued behind an exclusive one (ALTER, TRUNCATE, VACUUM FULL) that itself waits for
    /// the snapshot's session would otherwise wait for ever; meanwhile the application's queries on
    /// that table queue behind the exclusive request, so the wait is kept short.
    /// </summary>
    public const string LockWait = "10s";

    public static async Task<IReadOnlyList<TableDataPart>> RunAsync(
        PostgresConnectionInfo connection, string snapshotName, IReadOnlyList<PlannedPart> parts, int jobs, IDataPartStore store, CancellationToken cancellationToken)
    {
        var done = new ConcurrentBag<TableDataPart>();
        await WorkQueue.RunAsync(
            parts,
            Math.Min(jobs, parts.Count),
            ct => SnapshotReader.OpenAsync(connection, snapshotName, ct),
            async (reader, part, ct) => done.Add(await CopyAsync(reader, part, store, ct).ConfigureAwait(false)),
            cancellationToken).ConfigureAwait(false);
        return [.. done.OrderBy(p => p.Content.Key, StringComparer.Ordinal)];
    }

    private static async Task<TableDataPart> CopyAsync(SnapshotReader reader, PlannedPart part, IDataPartStore store, CancellationToken cancellationToken)
    {
        long rows = 0;
        try
        {
            var content = await store.WriteAsync(part.Index, async (destination, ct) =>
            {
                using var export = await reader.Connection.BeginTextExportAsync(part.CopyOutSql(), ct).ConfigureAwait(false);
                // The raw bytes under the text reader: the server's text, not decoded into chars and encoded again.
                var raw = ((StreamReader)export).BaseStream;
                rows = await CopyCountingRowsAsync(raw, destination, ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            return new TableDataPart { Content = content, Table = part.Name, Columns = part.Columns, FirstPage = part.FirstPage, EndPage = part.EndPage, Rows = rows };
        }
        catch (Exception ex) when (ex is NpgsqlException or IOException && !cancellationToken.IsCancellationRequested)
        {
            throw new BackupDatabaseException($"Copying the rows of {part.Name} (part {part.Index}) failed: {ex.Message}", ex);
        }
    }

    // The COPY stream gives one row (one CopyData message, ~100 bytes) per read: the buffer is filled
    // by many reads before one write, or every layer of the pipeline would run once per row.
    private static async Task<long> CopyCountingRowsAsync(Stream source, Stream destination, CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferSize];
        long rows = 0;
        while (true)
        {
            var filled = 0;
            int read;
            while (filled < buffer.Length && (read = await source.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false)) > 0)
            {
                filled += read;
            }
            if (filled == 0)
            {
                return rows;
            }
            rows += buffer.AsSpan(0, filled).Count((byte)'\n');
            await destination.WriteAsync(buffer.AsMemory(0, filled), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A connection in a read-only repeatable-read transaction on an exported snapshot.</summary>
    private sealed class SnapshotReader(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public NpgsqlConnection Connection => connection;

        public static async Task<SnapshotReader> OpenAsync(PostgresConnectionInfo info, string snapshotName, CancellationToken cancellationToken)
        {
            var connection = await info.OpenAsync(cancellationToken, "Backup.Core backup copy", pooled: false, commandTimeout: 0).ConfigureAwait(false);
            try
            {
                var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
                await SnapshotAdoption.AdoptAsync(connection, transaction, snapshotName, cancellationToken).ConfigureAwait(false);
                await CopySessionSettings.ApplyAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
                var lockWait = new NpgsqlCommand($"SET lock_timeout = '{LockWait}'", connection, transaction);
                await using (lockWait.ConfigureAwait(false))
                {
                    await lockWait.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                return new SnapshotReader(connection, transaction);
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
