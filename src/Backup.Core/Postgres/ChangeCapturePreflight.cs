using Backup.Core.Abstractions;
using Npgsql;

namespace Backup.Core.Postgres;

/// <summary>
/// Checks, before a chain is started, everything that would make change capture fail — or worse,
/// make the application's own UPDATEs fail: a published table without a replica identity rejects
/// UPDATE and DELETE on the source (SQLSTATE 55000). Each message names the fix.
/// </summary>
internal static class ChangeCapturePreflight
{
    public static async Task RunAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var walLevel = await ScalarAsync<string>(connection, "SHOW wal_level", cancellationToken).ConfigureAwait(false);
        if (walLevel != "logical")
        {
            throw new BackupConfigurationException("wal_level",
                $"Change capture needs wal_level = logical; the server has '{walLevel}'. Run ALTER SYSTEM SET wal_level = logical and restart PostgreSQL (Amazon RDS: set rds.logical_replication = 1; Azure: azure.replication_support = logical; Cloud SQL: cloudsql.logical_decoding = on).");
        }
        if (!await ScalarAsync<bool>(connection, "SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user", cancellationToken).ConfigureAwait(false))
        {
            var user = await ScalarAsync<string>(connection, "SELECT current_user", cancellationToken).ConfigureAwait(false);
            throw new BackupConfigurationException("Backup:Postgres:ChangeCapture",
                $"Change capture needs the REPLICATION privilege: ALTER ROLE {SqlIdentifier.Quote(user)} REPLICATION (Amazon RDS: GRANT rds_replication TO {SqlIdentifier.Quote(user)}).");
        }
        var freeSlots = await ScalarAsync<int>(connection, "SELECT current_setting('max_replication_slots')::int - (SELECT count(*)::int FROM pg_replication_slots)", cancellationToken).ConfigureAwait(false);
        if (freeSlots <= 0)
        {
            throw new BackupConfigurationException("max_replication_slots",
                "Every replication slot is in use (max_replication_slots). Drop an unused slot (SELECT pg_drop_replication_slot(name)) or raise max_replication_slots and restart PostgreSQL.");
        }
        var withoutIdentity = await ScalarAsync<string>(connection, """
            SELECT coalesce(string_agg(format('%I.%I', n.nspname, c.relname), ', ' ORDER BY 1), '')
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND c.relpersistence = 'p'
              AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\_%'
              AND (c.relreplident = 'n'
                   OR (c.relreplident = 'd' AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary))
                   OR (c.relreplident = 'i' AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisreplident)))
            """, cancellationToken).ConfigureAwait(false);
        if (withoutIdentity.Length > 0)
        {
            throw new BackupConfigurationException("Backup:Postgres:ChangeCapture",
                $"These tables have no primary key and no replica identity: {withoutIdentity}. Once published for change capture, UPDATE and DELETE on them would fail in your application. Add a primary key, or run ALTER TABLE ... REPLICA IDENTITY FULL on each, then try again.");
        }
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql, connection);
        await using (command.ConfigureAwait(false))
        {
            return (T)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }
}
