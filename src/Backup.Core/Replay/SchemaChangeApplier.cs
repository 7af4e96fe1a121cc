using Backup.Core.Abstractions;
using Backup.Core.Changes;
using Backup.Core.Postgres;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Backup.Core.Replay;

/// <summary>
/// Applies a <see cref="SchemaChangeTransaction"/> in one target transaction: its row changes
/// statement by statement, its schema changes run where they ran on the source — as the role
/// that ran them (so the objects have the same owner), with the search_path they ran with. A
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
            throw new DdlReplayException(change.Statement, committedAt, why, null);
        }
        Log.SchemaChangeReplaying(logger, change.Tag, committedAt, change.Statement);
        foreach (var skipped in script.Skipped)
        {
            Log.SchemaChangeStatementSkipped(logger, skipped);
        }
        await ExecuteAsync(change, committedAt, "SELECT set_config('search_path', $1, true)", dbTransaction, cancellationToken, change.SearchPath).ConfigureAwait(false);
        var asRole = await CanBecomeAsync(change, dbTransaction, cancellationToken).ConfigureAwait(false);
        if (asRole)
        {
            await ExecuteAsync(change, committedAt, $"SET LOCAL ROLE {SqlIdentifier.Quote(change.Role)}", dbTransaction, cancellationToken).ConfigureAwait(false);
        }
        foreach (var statement in script.Statements)
        {
            await ExecuteAsync(change, committedAt, statement, dbTransaction, cancellationToken).ConfigureAwait(false);
        }
        // Back to replay's own settings for the row changes that follow.
        await ExecuteAsync(change, committedAt, "RESET ROLE; RESET search_path", dbTransaction, cancellationToken).ConfigureAwait(false);
    }

    // The role exists and replay's user may take it (a superuser may take any).
    private async Task<bool> CanBecomeAsync(SchemaChange change, NpgsqlTransaction dbTransaction, CancellationToken cancellationToken)
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
                if (!reader.IsDBNull(0) && reader.GetBoolean(0))
                {
                    return true;
                }
                Log.SchemaChangeRoleMissing(logger, change.Tag, change.Role, reader.IsDBNull(0) ? "no such role" : "not a member", reader.GetString(1));
                return false;
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
                throw new DdlReplayException(change.Statement, committedAt, $"{ex.SqlState}: {ex.MessageText}", ex);
            }
        }
    }
}
