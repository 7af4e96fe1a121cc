using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Engine;
using Npgsql;

namespace Backup.Core.Postgres;

/// <summary>
/// Loads the parts of a full backup taken in parts into a restored database: each worker opens a
/// connection and streams part after part from the store straight into <c>COPY ... FROM STDIN</c>.
/// A part whose stream fails its checks (a hash, a tag, a missing object) cancels its COPY, so no
/// row of it is kept, and stops the others.
/// </summary>
internal static class TableDataLoad
{
    private const int BufferSize = 1 << 17;

    public static Task RunAsync(PostgresConnectionInfo target, IReadOnlyList<DataPartSource> parts, int jobs, CancellationToken cancellationToken) =>
        WorkQueue.RunAsync(
            // Biggest first, as they were copied: the last to finish is a small one.
            parts.OrderByDescending(p => p.Part.Content.RawBytes),
            Math.Min(jobs, parts.Count),
            async ct =>
            {
                var connection = await target.OpenAsync(ct, "Backup.Core restore load", pooled: false, commandTimeout: 0).ConfigureAwait(false);
                await CopySessionSettings.ApplyAsync(connection, null, ct).ConfigureAwait(false);
                await CopySessionSettings.NoCommitWaitAsync(connection, ct).ConfigureAwait(false);
                return connection;
            },
            LoadAsync,
            cancellationToken);

    private static async Task LoadAsync(NpgsqlConnection connection, DataPartSource source, CancellationToken cancellationToken)
    {
        var part = source.Part;
        var copy = $"COPY {await QuotedTableAsync(connection, part.Table!, cancellationToken).ConfigureAwait(false)} ({part.Columns}) FROM STDIN";
        var data = await source.Open(cancellationToken).ConfigureAwait(false);
        await using (data.ConfigureAwait(false))
        {
            var import = await connection.BeginTextImportAsync(copy, cancellationToken).ConfigureAwait(false);
            try
            {
                // The raw bytes under the text writer: the stored text goes to the server as it was copied out.
                var raw = ((StreamWriter)import).BaseStream;
                var buffer = new byte[BufferSize];
                long rows = 0;
                int read;
                while ((read = await data.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    rows += buffer.AsSpan(0, read).Count((byte)'\n');
                    await raw.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }
                // Each text row is one line and COPY fails rather than skip one: a part whose lines are
                // the manifest's rows loaded exactly those rows, which spares the restore a count(*) of it.
                if (part.Rows is { } expected && rows != expected)
                {
                    throw new BackupIntegrityException($"'{part.Content.Key}' holds {rows:N0} rows of {part.Table}; the manifest says {expected:N0}.");
                }
            }
            catch (Exception ex)
            {
                await CancelAsync((NpgsqlCopyTextWriter)import).ConfigureAwait(false);
                ThrowAsLoadFailure(ex, part, cancellationToken);
                if (ex is BackupIntegrityException && !ex.Message.Contains(part.Content.Key, StringComparison.Ordinal))
                {
                    throw new BackupIntegrityException($"'{part.Content.Key}' (rows of {part.Table}): {ex.Message}", ex);
                }
                throw;
            }
            try
            {
                // Ends the COPY: the server commits the part's rows here, so its connection can still break here.
                await import.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                ThrowAsLoadFailure(ex, part, cancellationToken);
                throw;
            }
        }
    }

    /// <summary>
    /// A broken connection is the restore's failure, named by its part; the same break caused by
    /// cancelling (Npgsql wraps the cancellation in its own exception) is a cancellation, so a
    /// stopped restore ends as cancelled rather than as a database error.
    /// </summary>
    private static void ThrowAsLoadFailure(Exception ex, TableDataPart part, CancellationToken cancellationToken)
    {
        if (ex is not (NpgsqlException or IOException))
        {
            return;
        }
        cancellationToken.ThrowIfCancellationRequested();
        throw new BackupDatabaseException($"Loading the rows of {part.Table} ({part.Content.Key}) failed: {ex.Message}", ex);
    }

    /// <summary>
    /// The part's table quoted for SQL. The manifest names it schema.table unquoted, so with more than
    /// one dot (a schema or table with a dot in its name) the split is ambiguous: the restored
    /// database, whose schema is already in place, says which table the name is.
    /// </summary>
    private static async Task<string> QuotedTableAsync(NpgsqlConnection connection, string name, CancellationToken cancellationToken)
    {
        var (schema, table) = SqlIdentifier.SplitQualified(name);
        if (name.Count(c => c == '.') > 1)
        {
            var command = new NpgsqlCommand(
                "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname || '.' || c.relname = $1 LIMIT 2",
                connection) { Parameters = { new() { Value = name } } };
            await using (command.ConfigureAwait(false))
            {
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    var found = new List<(string, string)>();
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        found.Add((reader.GetString(0), reader.GetString(1)));
                    }
                    if (found.Count == 1)
                    {
                        (schema, table) = found[0];
                    }
                }
            }
        }
        return SqlIdentifier.Quote(schema) + "." + SqlIdentifier.Quote(table);
    }

    // Disposing the writer would end the COPY and keep the rows sent so far: it is cancelled instead.
    // When the connection is what broke, cancelling fails too; the error that broke it is the one reported.
    private static async Task CancelAsync(NpgsqlCopyTextWriter import)
    {
        try
        {
            await import.CancelAsync().ConfigureAwait(false);
            await import.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or IOException or InvalidOperationException or ObjectDisposedException)
        {
            // Nothing more to undo on a dead connection: the server ends its COPY (and transaction) with it.
        }
    }
}
