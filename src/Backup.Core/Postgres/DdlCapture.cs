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
    /// <summary>The schema of the trigger's objects.</summary>
    public const string Schema = "backup_core";

    /// <summary>The table whose inserts, in the change stream, are the recorded schema changes (it stays empty).</summary>
    public const string LogTable = "ddl_log";

    /// <summary>Bumped when the function changes, so that an older one is replaced.</summary>
    private const string Version = "backup-core ddl capture 7";

    private const string TriggerName = "backup_core_ddl";

    // sql_drop fires before ddl_command_end and alone sees what a DROP removed: it marks a drop of temporary objects only.
    private const string DropTriggerName = "backup_core_ddl_drop";

    // table_rewrite says why a table is rewritten: a default computed per row makes the statement unrepeatable.
    private const string RewriteTriggerName = "backup_core_ddl_rewrite";

    // Two functions. capture_ddl, the event trigger's, runs as the caller only to read the caller's
    // search_path (a SECURITY DEFINER function sees its own). record_ddl runs as the installing
    // superuser and derives everything else itself: the role from the session (not from anything a
    // caller passes), the text from current_query(), the commands from pg_event_trigger_ddl_commands(),
    // which fails outside a DDL statement. It writes the record as a row of backup_core.ddl_log, which
    // no other role may write (and deletes it at once: the stream keeps the insert, the table stays
    // empty), so a record in the stream cannot be forged by a role that can only emit messages.
    // Temporary objects are not in any backup: their DDL is not recorded. Shapes are those of the
    // tables the commands name, their inheritance children (ALTER on a parent reshapes them too) and
    // every table of a schema that was named (a renamed schema renames its tables), in TableShapes' format.
    private static readonly string InstallSql = $$"""
        CREATE SCHEMA IF NOT EXISTS {{Schema}};
        GRANT USAGE ON SCHEMA {{Schema}} TO PUBLIC;
        CREATE TABLE IF NOT EXISTS {{Schema}}.{{LogTable}} (id bigserial PRIMARY KEY, change text NOT NULL);
        REVOKE ALL ON TABLE {{Schema}}.{{LogTable}} FROM PUBLIC;
        CREATE OR REPLACE FUNCTION {{Schema}}.record_ddl(caller_search_path text) RETURNS void
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
        DECLARE
          shapes jsonb;
          missing jsonb;
          logged bigint;
          -- Tables that lost a column to a cascade (see note_drop): the commands do not name them.
          dropped_from oid[] := string_to_array(nullif(current_setting('backup_core.dropped_columns', true), ''), ',')::oid[];
        BEGIN
          PERFORM set_config('backup_core.dropped_columns', '', true);
          -- A database restored onto a server without logical decoding has no stream to write to.
          IF current_setting('wal_level') <> 'logical' THEN
            RETURN;
          END IF;
          -- A DROP of temporary objects only (see note_drop): nothing of it is in any backup.
          IF current_setting('backup_core.temporary_drop', true) = 'on' THEN
            PERFORM set_config('backup_core.temporary_drop', '', true);
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
              SELECT dropped.oid FROM unnest(dropped_from) AS dropped(oid)
              UNION
              SELECT i.inhrelid FROM pg_inherits i JOIN named ON i.inhparent = named.oid)
          SELECT jsonb_object_agg(n.nspname || '.' || c.relname, coalesce((
                   SELECT string_agg(a.attname || ':' || a.atttypid, ',' ORDER BY a.attnum) FROM pg_attribute a
                   WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''), ''))
            INTO shapes
            FROM named JOIN pg_class c ON c.oid = named.oid JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relkind IN ('r', 'p') AND c.relpersistence = 'p';
          -- The value a column added with a default holds in the rows that existed then (now() is
          -- evaluated once, when the statement runs): replay gives those rows the source's value.
          WITH RECURSIVE named AS (
              SELECT d.objid AS oid FROM pg_event_trigger_ddl_commands() d WHERE d.classid = 'pg_class'::regclass
              UNION
              SELECT i.inhrelid FROM pg_inherits i JOIN named ON i.inhparent = named.oid)
          SELECT jsonb_agg(jsonb_build_object('schema', n.nspname, 'table', c.relname, 'columns', m.cols))
            INTO missing
            FROM named JOIN pg_class c ON c.oid = named.oid JOIN pg_namespace n ON n.oid = c.relnamespace
            CROSS JOIN LATERAL (SELECT jsonb_object_agg(a.attname, (a.attmissingval::text::text[])[1]) AS cols
                                FROM pg_attribute a WHERE a.attrelid = c.oid AND a.atthasmissing AND NOT a.attisdropped) m
           WHERE c.relkind = 'r' AND c.relpersistence = 'p' AND m.cols IS NOT NULL;
          INSERT INTO {{Schema}}.{{LogTable}} (change) VALUES (jsonb_build_object(
              -- The tag from the commands, not from the caller (a DROP collects none).
              'tag', coalesce((SELECT command_tag FROM pg_event_trigger_ddl_commands() LIMIT 1), 'DROP'),
              'query', current_query(),
              'searchPath', caller_search_path,
              'role', CASE WHEN current_setting('role') = 'none' THEN session_user::text ELSE current_setting('role') END,
              'statementTime', statement_timestamp(),
              'objects', (SELECT coalesce(jsonb_agg(jsonb_build_object('type', object_type, 'identity', object_identity)), '[]')
                          FROM pg_event_trigger_ddl_commands()),
              'shapes', coalesce(shapes, '{}'),
              'missing', coalesce(missing, '[]'),
              'rewrite', coalesce(current_setting('backup_core.rewrite', true), ''))::text)
            RETURNING id INTO logged;
          DELETE FROM {{Schema}}.{{LogTable}} WHERE id = logged;
          PERFORM set_config('backup_core.rewrite', '', true);
        END
        $fn$;
        CREATE OR REPLACE FUNCTION {{Schema}}.capture_ddl() RETURNS event_trigger
        LANGUAGE plpgsql AS $fn$
        BEGIN
          PERFORM {{Schema}}.record_ddl(pg_catalog.current_setting('search_path'));
        END
        $fn$;
        CREATE OR REPLACE FUNCTION {{Schema}}.note_rewrite() RETURNS event_trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
        BEGIN
          -- Reason 2: rows rewritten to compute a default per row (volatile, identity, serial);
          -- reason 4: a column's values recomputed (ALTER TYPE ... USING): replay judges them.
          IF pg_event_trigger_table_rewrite_reason() & 6 <> 0 THEN
            PERFORM set_config('backup_core.rewrite', pg_event_trigger_table_rewrite_reason()::text || ' ' || pg_event_trigger_table_rewrite_oid()::regclass::text, true);
          END IF;
        END
        $fn$;
        CREATE OR REPLACE FUNCTION {{Schema}}.note_drop() RETURNS event_trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
        BEGIN
          IF NOT EXISTS (SELECT 1 FROM pg_event_trigger_dropped_objects() WHERE NOT is_temporary) THEN
            PERFORM set_config('backup_core.temporary_drop', 'on', true);
          END IF;
          -- DROP TYPE/DOMAIN ... CASCADE drops columns of tables no command names: their new shapes are recorded too.
          PERFORM set_config('backup_core.dropped_columns', coalesce((
              SELECT string_agg(DISTINCT objid::text, ',') FROM pg_event_trigger_dropped_objects()
               WHERE object_type = 'table column' AND NOT is_temporary), ''), true);
        END
        $fn$;
        REVOKE ALL ON FUNCTION {{Schema}}.note_rewrite(), {{Schema}}.note_drop() FROM PUBLIC;
        COMMENT ON FUNCTION {{Schema}}.capture_ddl() IS '{{Version}}';
        DO $do$ BEGIN
          IF NOT EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname = '{{TriggerName}}') THEN
            CREATE EVENT TRIGGER {{TriggerName}} ON ddl_command_end EXECUTE FUNCTION {{Schema}}.capture_ddl();
          END IF;
          IF NOT EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname = '{{RewriteTriggerName}}') THEN
            CREATE EVENT TRIGGER {{RewriteTriggerName}} ON table_rewrite EXECUTE FUNCTION {{Schema}}.note_rewrite();
          END IF;
          IF NOT EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname = '{{DropTriggerName}}') THEN
            CREATE EVENT TRIGGER {{DropTriggerName}} ON sql_drop EXECUTE FUNCTION {{Schema}}.note_drop();
          END IF;
        END $do$;
        """;

    /// <summary>
    /// Installs the trigger in the database <paramref name="connection"/> is connected to, unless the
    /// current version is there and enabled. Returns null when schema changes are captured, otherwise
    /// why not, as a sentence naming the fix.
    /// </summary>
    public static async Task<string?> EnsureAsync(NpgsqlConnection connection, string publicationName, CancellationToken cancellationToken)
    {
        var why = await InstallAsync(connection, cancellationToken).ConfigureAwait(false);
        return why ?? await PublishLogAsync(connection, publicationName, cancellationToken).ConfigureAwait(false);
    }

    // A publication for chosen tables (PublicationName) must send the log table's rows too.
    private static async Task<string?> PublishLogAsync(NpgsqlConnection connection, string publicationName, CancellationToken cancellationToken)
    {
        var published = new NpgsqlCommand($"""
            SELECT p.puballtables OR EXISTS (SELECT 1 FROM pg_publication_tables t WHERE t.pubname = p.pubname AND t.schemaname = '{Schema}' AND t.tablename = '{LogTable}')
            FROM pg_publication p WHERE p.pubname = $1
            """, connection) { Parameters = { new() { Value = publicationName } } };
        await using (published.ConfigureAwait(false))
        {
            if (await published.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
            {
                return null;
            }
        }
        var add = new NpgsqlCommand($"ALTER PUBLICATION {SqlIdentifier.Quote(publicationName)} ADD TABLE {Schema}.{LogTable}", connection);
        await using (add.ConfigureAwait(false))
        {
            try
            {
                await add.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                return null;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                return $"the publication {publicationName} does not send the table {Schema}.{LogTable}, where schema changes are recorded, and it could not be added ({ex.MessageText}): run ALTER PUBLICATION {SqlIdentifier.Quote(publicationName)} ADD TABLE {Schema}.{LogTable} as its owner";
            }
        }
    }

    private static async Task<string?> InstallAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
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

}
