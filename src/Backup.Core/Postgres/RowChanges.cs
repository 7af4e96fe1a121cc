using Backup.Core.Abstractions;
using Backup.Core.Changes;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;

namespace Backup.Core.Postgres;

/// <summary>pgoutput's row messages as the segment's row changes.</summary>
internal static class RowChanges
{
    public static async Task<RowChange> ToChangeAsync(PgOutputReplicationMessage message, CancellationToken cancellationToken) => message switch
    {
        InsertMessage insert => new InsertChange(insert.Relation.RelationId, await TupleAsync(insert.NewRow, cancellationToken).ConfigureAwait(false)),
        IndexUpdateMessage update => new UpdateChange(update.Relation.RelationId, await TupleAsync(update.Key, cancellationToken).ConfigureAwait(false), await TupleAsync(update.NewRow, cancellationToken).ConfigureAwait(false)),
        FullUpdateMessage update => new UpdateChange(update.Relation.RelationId, await TupleAsync(update.OldRow, cancellationToken).ConfigureAwait(false), await TupleAsync(update.NewRow, cancellationToken).ConfigureAwait(false)),
        UpdateMessage update => new UpdateChange(update.Relation.RelationId, null, await TupleAsync(update.NewRow, cancellationToken).ConfigureAwait(false)),
        KeyDeleteMessage delete => new DeleteChange(delete.Relation.RelationId, await TupleAsync(delete.Key, cancellationToken).ConfigureAwait(false)),
        FullDeleteMessage delete => new DeleteChange(delete.Relation.RelationId, await TupleAsync(delete.OldRow, cancellationToken).ConfigureAwait(false)),
        TruncateMessage truncate => new TruncateChange(
            truncate.Relations.Select(r => r.RelationId).ToArray(),
            truncate.Options.HasFlag(TruncateMessage.TruncateOptions.Cascade),
            truncate.Options.HasFlag(TruncateMessage.TruncateOptions.RestartIdentity)),
        _ => throw new BackupException($"Unexpected change message {message.GetType().Name}."),
    };

    // Values are kept in PostgreSQL's text format, which the server parses back to exactly the same value.
    private static async Task<ColumnValue[]> TupleAsync(ReplicationTuple tuple, CancellationToken cancellationToken)
    {
        var values = new ColumnValue[tuple.NumColumns];
        var i = 0;
        await foreach (var value in tuple.ConfigureAwait(false).WithCancellation(cancellationToken))
        {
            values[i++] = value.IsDBNull ? ColumnValue.Null
                : value.IsUnchangedToastedValue ? ColumnValue.UnchangedToast
                : ColumnValue.Of(await value.Get<string>(cancellationToken).ConfigureAwait(false));
        }
        return values;
    }
}
