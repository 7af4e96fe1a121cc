using Backup.Core.Changes;
using Npgsql;

namespace Backup.Core.Replay;

/// <summary>
/// The target's columns <c>GENERATED ALWAYS AS IDENTITY</c>. Replay writes the source's values
/// into them: COPY accepts those, an INSERT only with <c>OVERRIDING SYSTEM VALUE</c> (which replay
/// always adds), and an UPDATE never (only to DEFAULT). The source cannot give such a column a
/// value by UPDATE either, so replay leaves these columns out of its SET lists; the one thing lost
/// is an <c>UPDATE … SET id = DEFAULT</c> on the source, which draws a new number.
/// </summary>
internal sealed class IdentityAlwaysColumns
{
    private HashSet<(string Schema, string Table, string Column)> _columns = [];

    /// <summary>Reads them from the target: before replay starts, and again after schema changes.</summary>
    public async Task LoadAsync(NpgsqlConnection target, CancellationToken cancellationToken)
    {
        var found = new HashSet<(string, string, string)>();
        var command = new NpgsqlCommand(
            "SELECT n.nspname, c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE a.attidentity = 'a' AND NOT a.attisdropped",
            target);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    found.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
                }
            }
        }
        _columns = found;
    }

    /// <summary>Whether an UPDATE may set this column of the relation.</summary>
    public bool Updatable(SegmentRelation relation, string column) => !_columns.Contains((relation.Schema, relation.Name, column));
}
