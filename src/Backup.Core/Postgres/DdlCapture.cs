using Npgsql;

namespace Backup.Core.Postgres;

/// <summary>
/// Puts schema changes into the change stream: an event trigger on <c>ddl_command_end</c> emits,
/// inside the transaction that ran the statement, a transactional logical message with the
/// statement's text and what replay needs to run it again (search_path, role, statement time, the
/// new shapes of the tables it touched). Decoding returns the message at its place among the
/// transaction's row changes, in commit order, so replay applies the statement exactly between the
/// changes before and after it.
/// </summary>
/// <remarks>
/// A message rather than a log table: nothing grows in the user's database, nothing is copied by
/// backups, and a statement rolled back (or in a rolled-back savepoint) leaves no message. The
/// function runs as the role that ran the statement (not SECURITY DEFINER: it needs no rights
/// beyond <c>pg_logical_emit_message</c>, which every role may call), so <c>current_user</c> is that
/// role. Creating an event trigger needs a superuser (on managed services, their superuser role);
/// without one the chain falls back to ending at a schema change.
/// </remarks>
internal static class DdlCapture
{
    /// <summary>The prefix of the messages the trigger emits.</summary>
    public const string MessagePrefix = "backup-core-ddl";

    /// <summary>Bumped when the function changes, so that an older one is replaced.</summary>
    private const string Version = "backup-core ddl capture 3";

    private const string Schema = "backup_core";
    private const string TriggerName = "backup_core_ddl";

    // No SET search_path on the function: it records the caller's. It runs as the caller, so a
    // search_path that shadows pg_catalog's names misleads only the caller's own record.
    // Temporary objects are not in any backup: their DDL is not sent. Shapes are those of the
    // tables the commands name, their inheritance children (ALTER on a parent reshapes them too) and
    // every table of a schema that was named (a renamed schema renames its tables), in TableShapes' format.
    private static readonly string InstallSql = $$"""
        CREATE SCHEMA IF NOT EXISTS {{Schema}};
        CREATE OR REPLACE FUNCTION {{Schema}}.capture_ddl() RETURNS event_trigger
        LANGUAGE plpgsql AS $fn$
        DECLARE
          shapes jsonb;
        BEGIN
          -- A database restored onto a server without logical decoding has no stream to write to.
          IF current_setting('wal_level') <> 'logical' THEN
            RETURN;
          END IF;
          IF EXISTS (SELECT 1 FROM pg_event_trigger_ddl_commands()) AND NOT EXISTS (
              SELECT 1 FROM pg_event_trigger_ddl_commands() WHERE schema_name IS NULL OR schema_name NOT LIKE 'pg\_temp%') THEN
            RETURN;
          END IF;
          WITH RECURSIVE named AS (
              SELECT d.objid AS oid FROM pg_event_trigger_ddl_commands() d WHERE d.classid = 'pg_class'::regclass
              UNION
              SELECT c.oid FROM pg_event_trigger_ddl_commands() d JOIN pg_class c ON c.relnamespace = d.objid
              WHERE d.classid = 'pg_namespace'::regclass
              UNION
              SELECT i.inhrelid FROM pg_inherits i JOIN named ON i.inhparent = named.oid)
          SELECT jsonb_object_agg(n.nspname || '.' || c.relname, coalesce((
                   SELECT string_agg(a.attname || ':' || a.atttypid, ',' ORDER BY a.attnum) FROM pg_attribute a
                   WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''), ''))
            INTO shapes
            FROM named JOIN pg_class c ON c.oid = named.oid JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relkind IN ('r', 'p') AND c.relpersistence = 'p';
          PERFORM pg_logical_emit_message(true, '{{MessagePrefix}}', jsonb_build_object(
              'tag', tg_tag,
              'query', current_query(),
              'searchPath', current_setting('search_path'),
              'role', current_user,
              'statementTime', statement_timestamp(),
              'objects', (SELECT coalesce(jsonb_agg(jsonb_build_object('type', object_type, 'identity', object_identity)), '[]')
                          FROM pg_event_trigger_ddl_commands()),
              'shapes', coalesce(shapes, '{}'))::text);
        END
        $fn$;
        COMMENT ON FUNCTION {{Schema}}.capture_ddl() IS '{{Version}}';
        DO $do$ BEGIN
          IF NOT EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname = '{{TriggerName}}') THEN
            CREATE EVENT TRIGGER {{TriggerName}} ON ddl_command_end EXECUTE FUNCTION {{Schema}}.capture_ddl();
          END IF;
        END $do$;
        """;

    /// <summary>
    /// Installs the trigger in the database <paramref name="connection"/> is connected to, unless the
    /// current version is there and enabled. Returns null when schema changes are captured, otherwise
    /// why not, as a sentence naming the fix.
    /// </summary>
    public static async Task<string?> EnsureAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var state = new NpgsqlCommand($"""
            SELECT t.evtenabled, obj_description(p.oid, 'pg_proc') FROM pg_event_trigger t JOIN pg_proc p ON p.oid = t.evtfoid
            WHERE t.evtname = '{TriggerName}'
            """, connection);
        await using (state.ConfigureAwait(false))
        {
            var reader = await state.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var enabled = reader.GetChar(0);
                    var version = reader.IsDBNull(1) ? null : reader.GetString(1);
                    if (enabled == 'D')
                    {
                        return $"the event trigger {TriggerName} is disabled (ALTER EVENT TRIGGER {TriggerName} ENABLE turns schema change capture back on)";
                    }
                    if (version == Version)
                    {
                        return null;
                    }
                }
            }
        }
        var install = new NpgsqlCommand(InstallSql, connection);
        await using (install.ConfigureAwait(false))
        {
            try
            {
                await install.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return null;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                return $"creating the event trigger that records schema changes needs a superuser ({ex.MessageText}); run the first full backup of a chain once as a superuser (Amazon RDS, Azure: a member of rds_superuser / azure_pg_admin), or set Backup:Postgres:CaptureDdl to false";
            }
        }
    }

    /// <summary>Whether the trigger exists and is enabled: a chain's status shows it.</summary>
    public static async Task<bool> IsActiveAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var active = new NpgsqlCommand($"SELECT 1 FROM pg_event_trigger WHERE evtname = '{TriggerName}' AND evtenabled <> 'D'", connection);
        await using (active.ConfigureAwait(false))
        {
            return await active.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
        }
    }
}
