using Npgsql;

namespace Backup.Core.TableRestores;

/// <summary>One column of a table, as the copy-back needs it.</summary>
internal sealed record TableColumn(string Name, string Type, bool Generated, bool IdentityAlways);

/// <summary>A table's columns, primary key and the tables its foreign keys reference (<c>schema.table</c>), read from the catalog.</summary>
internal sealed record TableColumns(IReadOnlyList<TableColumn> Columns, IReadOnlyList<string> Key, IReadOnlyList<string> References, bool Partitioned)
{
    /// <summary>Reads <paramref name="table"/> (<c>schema.table</c>); null when there is no such table.</summary>
    public static async Task<TableColumns?> ReadAsync(NpgsqlConnection connection, string table, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(
            """
            SELECT c.relkind = 'p',
                   ARRAY(SELECT a.attname FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum),
                   ARRAY(SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum),
                   ARRAY(SELECT a.attgenerated <> '' FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum),
                   ARRAY(SELECT a.attidentity = 'a' FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum),
                   ARRAY(SELECT a.attname FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, n)
                         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum WHERE i.indrelid = c.oid AND i.indisprimary ORDER BY k.n),
                   ARRAY(SELECT DISTINCT rn.nspname || '.' || rc.relname FROM pg_constraint f JOIN pg_class rc ON rc.oid = f.confrelid
                         JOIN pg_namespace rn ON rn.oid = rc.relnamespace WHERE f.conrelid = c.oid AND f.contype = 'f')
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')
            """,
            connection);
        await using (command.ConfigureAwait(false))
        {
            var (schema, name) = Postgres.SqlIdentifier.SplitQualified(table);
            command.Parameters.Add(new() { Value = schema });
            command.Parameters.Add(new() { Value = name });
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }
                var names = reader.GetFieldValue<string[]>(1);
                var types = reader.GetFieldValue<string[]>(2);
                var generated = reader.GetFieldValue<bool[]>(3);
                var always = reader.GetFieldValue<bool[]>(4);
                var columns = names.Select((n, i) => new TableColumn(n, types[i], generated[i], always[i])).ToList();
                return new TableColumns(columns, reader.GetFieldValue<string[]>(5), reader.GetFieldValue<string[]>(6), reader.GetBoolean(0));
            }
        }
    }
}
