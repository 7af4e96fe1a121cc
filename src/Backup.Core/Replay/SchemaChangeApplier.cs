using Backup.Core.Abstractions;
using Backup.Core.Changes;
using Backup.Core.Postgres;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Backup.Core.Replay;

/// <summary>
/// Applies a <see cref="SchemaChangeTransaction"/> in one target transaction: its row changes
/// statement by statement, its schema changes run where they ran on the source — as the role
/// that ran them, never another (so the objects have the same owner, and a statement does no more
/// than it could on the source), with the search_path they ran with. A
/// query that fired several DDL commands is run once, at its first. A statement that fails stops
/// the recovery with <see cref="DdlReplayException"/>.
/// </summary>
internal sealed class SchemaChangeApplier(NpgsqlConnection target, StatementApplier statements, ILogger logger)
{
    public async Task ApplyAsync(SchemaChangeTransaction transaction, DateTimeOffset committedAt, CancellationToken cancellationToken)
    {
        var dbTransaction = await target.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (dbTransaction.ConfigureAwait(false))
        {
            SchemaChange? previous = null;
            foreach (var step in transaction.Steps)
            {
                switch (step)
                {
                    case ChangeRun run:
                        await statements.ApplyChangesAsync(run.Changes, run.Relations, dbTransaction, cancellationToken).ConfigureAwait(false);
                        break;
                    case SchemaChange change:
                        if (!change.SameQueryAs(previous))
                        {
                            await RunAsync(change, committedAt, dbTransaction, cancellationToken).ConfigureAwait(false);
                        }
                        if (SchemaChangeTransaction.CreatesFilledTable(change))
                        {
                            // The statement filled it from the recovered data; the stream's rows, which follow, are the source's.
                            await ExecuteAsync(change, committedAt, "TRUNCATE ONLY " + string.Join(", ", change.Objects.Where(o => o.Type == "table").Select(o => o.Identity)), dbTransaction, cancellationToken).ConfigureAwait(false);
                        }
                        previous = change;
                        break;
                }
            }
            await dbTransaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RunAsync(SchemaChange change, DateTimeOffset committedAt, NpgsqlTransaction dbTransaction, CancellationToken cancellationToken)
    {
        var script = SchemaChangeScript.Of(change);
        if (script.Unreplayable is { } why)
        {
            // Capture refuses these; a segment that holds one anyway was not written by this library.
            throw new DdlReplayException(change.Redacted, committedAt, why, null);
        }
        Log.SchemaChangeReplaying(logger, change.Tag, committedAt, string.Join(", ", change.Objects.Select(o => o.Identity)), change.Role);
        foreach (var skipped in script.Skipped)
        {
            Log.SchemaChangeStatementSkipped(logger, skipped);
        }
        var columnsBefore = await ColumnsAsync(change, dbTransaction, cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(change, committedAt, "SELECT set_config('search_path', $1, true)", dbTransaction, cancellationToken, change.SearchPath).ConfigureAwait(false);
        // Never as another role: the statement did on the source only what its role could do.
        if (await CannotBecomeAsync(change, dbTransaction, cancellationToken).ConfigureAwait(false) is { } notAsRole)
        {
            throw new DdlReplayException(change.Redacted, committedAt, notAsRole, null);
        }
        await ExecuteAsync(change, committedAt, $"SET LOCAL ROLE {SqlIdentifier.Quote(change.Role)}", dbTransaction, cancellationToken).ConfigureAwait(false);
        foreach (var statement in script.Statements)
        {
            await ExecuteAsync(change, committedAt, statement, dbTransaction, cancellationToken).ConfigureAwait(false);
        }
        // Back to replay's own settings for the row changes that follow.
        await ExecuteAsync(change, committedAt, "RESET ROLE; RESET search_path", dbTransaction, cancellationToken).ConfigureAwait(false);
        await GiveAddedColumnsTheSourcesValuesAsync(change, committedAt, columnsBefore, dbTransaction, cancellationToken).ConfigureAwait(false);
    }

    // A column added with a default that is not a constant (DEFAULT now(), a stable function) holds,
    // in the rows that existed, the value computed when the statement ran: the source's value, not
    // replay's. The rows that existed are those in the table now (later rows come after, from the stream).
    private async Task GiveAddedColumnsTheSourcesValuesAsync(SchemaChange change, DateTimeOffset committedAt, HashSet<(string, string, string)> before, NpgsqlTransaction dbTransaction, CancellationToken cancellationToken)
    {
        foreach (var table in change.MissingValues)
        {
            var name = SqlIdentifier.Quote(table.Schema) + "." + SqlIdentifier.Quote(table.Table);
            foreach (var (column, value) in table.Columns)
            {
                if (before.Contains((table.Schema, table.Table, column)))
                {
                    continue;
                }
                var replayed = new NpgsqlCommand("SELECT (attmissingval::text::text[])[1] FROM pg_attribute WHERE attrelid = $1::regclass AND attname = $2 AND atthasmissing", target, dbTransaction)
                {
                    Parameters = { new() { Value = name }, new() { Value = column } },
                };
                await using (replayed.ConfigureAwait(false))
                {
                    if (await replayed.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string same && same == value)
                    {
                        continue;
                    }
                }
                var update = new NpgsqlCommand($"UPDATE ONLY {name} SET {SqlIdentifier.Quote(column)} = $1", target, dbTransaction)
                {
                    Parameters = { new NpgsqlParameter { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Unknown } },
                };
                await using (update.ConfigureAwait(false))
                {
                    try
                    {
                        await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (PostgresException ex)
                    {
                        throw new DdlReplayException(change.Redacted, committedAt, $"giving the column {column} of {name} the source's value: {ex.SqlState}: {ex.MessageText}", ex);
                    }
                }
            }
        }
    }

    // The columns the tables with added-column values have before the statement runs: those added by it are the others.
    private async Task<HashSet<(string, string, string)>> ColumnsAsync(SchemaChange change, NpgsqlTransaction dbTransaction, CancellationToken cancellationToken)
    {
        var columns = new HashSet<(string, string, string)>();
        foreach (var table in change.MissingValues)
        {
            var query = new NpgsqlCommand("""
                SELECT a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped
                """, target, dbTransaction)
            {
                Parameters = { new() { Value = table.Schema }, new() { Value = table.Table } },
            };
            await using (query.ConfigureAwait(false))
            {
                var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        columns.Add((table.Schema, table.Table, reader.GetString(0)));
                    }
                }
            }
        }
        return columns;
    }

    // Why replay's user cannot take the role that ran the statement (a superuser may take any), or null.
    private async Task<string?> CannotBecomeAsync(SchemaChange change, NpgsqlTransaction dbTransaction, CancellationToken cancellationToken)
    {
        var check = new NpgsqlCommand("SELECT (SELECT pg_has_role(current_user, oid, 'MEMBER') FROM pg_roles WHERE rolname = $1), current_user", target, dbTransaction)
        {
            Parameters = { new() { Value = change.Role } },
        };
        await using (check.ConfigureAwait(false))
        {
            var reader = await check.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                return reader.IsDBNull(0)
                    ? $"the role {change.Role} that ran it does not exist where the database is recovered (recover with CreateMissingRoles / --create-missing-roles, or create the role)"
                    : reader.GetBoolean(0) ? null
                    : $"the recovery user {reader.GetString(1)} may not act as the role {change.Role} that ran it (recover as a superuser or a member of {change.Role})";
            }
        }
    }

    private async Task ExecuteAsync(SchemaChange change, DateTimeOffset committedAt, string sql, NpgsqlTransaction dbTransaction, CancellationToken cancellationToken, string? parameter = null)
    {
        var command = new NpgsqlCommand(sql, target, dbTransaction);
        if (parameter is not null)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }
        await using (command.ConfigureAwait(false))
        {
            try
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException ex)
            {
                throw new DdlReplayException(change.Redacted, committedAt, $"{ex.SqlState}: {ex.MessageText}", ex);
            }
        }
    }
}
