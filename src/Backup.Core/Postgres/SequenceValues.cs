using Backup.Core.Changes;
using Npgsql;

namespace Backup.Core.Postgres;

/// <summary>Every sequence's current value, written into a change segment (the change stream carries none).</summary>
internal static class SequenceValues
{
    public static async Task WriteAsync(NpgsqlConnection connection, ChangeSegmentWriter writer, CancellationToken cancellationToken, NpgsqlTransaction? transaction = null)
    {
        // pg_sequences shows NULL for a sequence never called: it then restarts at its start value.
        var list = new NpgsqlCommand("SELECT schemaname, sequencename, coalesce(last_value, start_value), last_value IS NOT NULL FROM pg_sequences ORDER BY 1, 2", connection, transaction);
        await using (list.ConfigureAwait(false))
        {
            var reader = await list.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var sequences = new List<SequenceItem>();
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    sequences.Add(new SequenceItem(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetBoolean(3)));
                }
            }
            foreach (var sequence in sequences)
            {
                await writer.WriteAsync(sequence, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
