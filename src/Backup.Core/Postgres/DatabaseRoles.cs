using System.Text.RegularExpressions;
using Backup.Core.Abstractions;
using Npgsql;

namespace Backup.Core.Postgres;

/// <summary>
/// The roles a database needs on its server — owners of its objects, grantees and grantors in their
/// ACLs, default privileges, policies, user mappings — read from the catalogs (which any user can
/// read, unlike <c>pg_dumpall</c>, which needs a superuser and every database). Password hashes are
/// never read. On restore, missing ones can be created: statements are built here from names and
/// flags, never taken as SQL text from the backup.
/// </summary>
internal static partial class DatabaseRoles
{
    // Objects pg_dump writes with an owner or an ACL: those in user schemas plus database-wide ones,
    // leaving out extension members (pg_dump creates them with CREATE EXTENSION, without OWNER TO).
    // Built-in pg_* roles exist on every server and are left out.
    private const string NeededRolesSql = """
        WITH user_namespaces AS (
            SELECT oid FROM pg_namespace
            WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\_toast%' AND nspname NOT LIKE 'pg\_temp\_%'
        ),
        objects(classid, oid, owner, acl) AS (
            SELECT 'pg_namespace'::regclass, oid, nspowner, nspacl FROM pg_namespace WHERE oid IN (SELECT oid FROM user_namespaces)
            UNION ALL SELECT 'pg_class'::regclass, oid, relowner, relacl FROM pg_class WHERE relnamespace IN (SELECT oid FROM user_namespaces)
            UNION ALL SELECT 'pg_proc'::regclass, oid, proowner, proacl FROM pg_proc WHERE pronamespace IN (SELECT oid FROM user_namespaces)
            UNION ALL SELECT 'pg_type'::regclass, oid, typowner, typacl FROM pg_type WHERE typnamespace IN (SELECT oid FROM user_namespaces)
            UNION ALL SELECT 'pg_collation'::regclass, oid, collowner, NULL FROM pg_collation WHERE collnamespace IN (SELECT oid FROM user_namespaces)
            UNION ALL SELECT 'pg_conversion'::regclass, oid, conowner, NULL FROM pg_conversion WHERE connamespace IN (SELECT oid FROM user_namespaces)
            UNION ALL SELECT 'pg_operator'::regclass, oid, oprowner, NULL FROM pg_operator WHERE oprnamespace IN (SELECT oid FROM user_namespaces)
            UNION ALL SELECT 'pg_opclass'::regclass, oid, opcowner, NULL FROM pg_opclass WHERE opcnamespace IN (SELECT oid FROM user_namespaces)
            UNION ALL SELECT 'pg_opfamily'::regclass, oid, opfowner, NULL FROM pg_opfamily WHERE opfnamespace IN (SELECT oid FROM user_namespaces)
            UNION ALL SELECT 'pg_ts_config'::regclass, oid, cfgowner, NULL FROM pg_ts_config WHERE cfgnamespace IN (SELECT oid FROM user_namespaces)
            UNION ALL SELECT 'pg_ts_dict'::regclass, oid, dictowner, NULL FROM pg_ts_dict WHERE dictnamespace IN (SELECT oid FROM user_namespaces)
            UNION ALL SELECT 'pg_statistic_ext'::regclass, oid, stxowner, NULL FROM pg_statistic_ext WHERE stxnamespace IN (SELECT oid FROM user_namespaces)
            UNION ALL SELECT 'pg_event_trigger'::regclass, oid, evtowner, NULL FROM pg_event_trigger
            UNION ALL SELECT 'pg_publication'::regclass, oid, pubowner, NULL FROM pg_publication
            UNION ALL SELECT 'pg_foreign_data_wrapper'::regclass, oid, fdwowner, fdwacl FROM pg_foreign_data_wrapper
            UNION ALL SELECT 'pg_foreign_server'::regclass, oid, srvowner, srvacl FROM pg_foreign_server
            UNION ALL SELECT 'pg_largeobject_metadata'::regclass, oid, lomowner, lomacl FROM pg_largeobject_metadata
        ),
        dumped AS (
            SELECT owner, acl FROM objects o
            WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = o.classid AND d.objid = o.oid AND d.deptype = 'e')
        ),
        needed(oid) AS (
            SELECT owner FROM dumped
            UNION SELECT (aclexplode(acl)).grantee FROM dumped WHERE acl IS NOT NULL
            UNION SELECT (aclexplode(acl)).grantor FROM dumped WHERE acl IS NOT NULL
            UNION SELECT (aclexplode(a.attacl)).grantee FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                  WHERE a.attacl IS NOT NULL AND c.relnamespace IN (SELECT oid FROM user_namespaces)
            UNION SELECT defaclrole FROM pg_default_acl
            UNION SELECT (aclexplode(defaclacl)).grantee FROM pg_default_acl
            UNION SELECT unnest(polroles) FROM pg_policy
            UNION SELECT umuser FROM pg_user_mapping
        )
        SELECT r.rolname::text, r.rolcanlogin, r.rolinherit, r.rolcreatedb, r.rolcreaterole, r.rolsuper, r.rolreplication, r.rolbypassrls, r.rolconnlimit, r.rolvaliduntil,
               ARRAY(SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                     WHERE m.member = r.oid AND m.roleid IN (SELECT oid FROM needed) ORDER BY 1)
        FROM pg_roles r
        WHERE r.oid IN (SELECT oid FROM needed) AND r.rolname NOT LIKE 'pg\_%'
        ORDER BY 1
        """;

    /// <summary>Reads the roles the database needs as of the exported snapshot <paramref name="snapshotName"/>, so they match the dump.</summary>
    public static async Task<IReadOnlyList<DatabaseRole>> ReadAsync(PostgresConnectionInfo info, string snapshotName, CancellationToken cancellationToken)
    {
        var connection = await info.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                await SnapshotAdoption.AdoptAsync(connection, transaction, snapshotName, cancellationToken).ConfigureAwait(false);
                var query = new NpgsqlCommand(NeededRolesSql, connection, transaction);
                await using (query.ConfigureAwait(false))
                {
                    var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        var roles = new List<DatabaseRole>();
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            roles.Add(new DatabaseRole
                            {
                                Name = reader.GetString(0),
                                Login = reader.GetBoolean(1),
                                Inherit = reader.GetBoolean(2),
                                CreateDatabase = reader.GetBoolean(3),
                                CreateRole = reader.GetBoolean(4),
                                Superuser = reader.GetBoolean(5),
                                Replication = reader.GetBoolean(6),
                                BypassRowSecurity = reader.GetBoolean(7),
                                ConnectionLimit = reader.GetInt32(8),
                                ValidUntil = reader.IsDBNull(9) || reader.GetDateTime(9) is var until && (until == DateTime.MaxValue || until == DateTime.MinValue)
                                    ? null
                                    : new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(9), DateTimeKind.Utc)),
                                MemberOf = reader.GetFieldValue<string[]>(10),
                            });
                        }
                        return roles;
                    }
                }
            }
        }
    }

    /// <summary>The names of <paramref name="roles"/> that do not exist on the server of <paramref name="connection"/>.</summary>
    public static async Task<IReadOnlyList<string>> MissingAsync(NpgsqlConnection connection, IEnumerable<string> roles, CancellationToken cancellationToken)
    {
        var query = new NpgsqlCommand("SELECT name FROM unnest($1::text[]) AS name WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = name) ORDER BY 1", connection)
        {
            Parameters = { new() { Value = roles.ToArray() } },
        };
        await using (query.ConfigureAwait(false))
        {
            var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                var missing = new List<string>();
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    missing.Add(reader.GetString(0));
                }
                return missing;
            }
        }
    }

    /// <summary>
    /// Creates the roles of <paramref name="roles"/> that the server lacks, then their memberships,
    /// and returns the names created. Roles that exist are left alone. SUPERUSER, REPLICATION and
    /// BYPASSRLS are not given: a restore must not silently hand out server-wide power (and a
    /// managed server's restoring user could not). No password: a created LOGIN role cannot log in
    /// until one is set.
    /// </summary>
    public static async Task<IReadOnlyList<string>> CreateMissingAsync(NpgsqlConnection connection, IReadOnlyList<DatabaseRole> roles, CancellationToken cancellationToken)
    {
        var missing = (await MissingAsync(connection, roles.Select(r => r.Name), cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        var created = new List<string>();
        try
        {
            foreach (var role in roles.Where(r => missing.Contains(r.Name)))
            {
                try
                {
                    await ExecuteAsync(connection, CreateStatement(role), cancellationToken).ConfigureAwait(false);
                    created.Add(role.Name);
                }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateObject)
                {
                    // Created meanwhile by someone else: it exists, which is all the restore needs.
                }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
                {
                    throw new BackupDatabaseException($"Cannot create the role \"{role.Name}\" the restore needs: {ex.MessageText}. Connect as a user with CREATEROLE, create the roles yourself, or restore with NoOwner.", ex, isTransient: false);
                }
            }
            foreach (var role in roles.Where(r => created.Contains(r.Name, StringComparer.Ordinal)))
            {
                foreach (var group in role.MemberOf)
                {
                    await ExecuteAsync(connection, $"GRANT {SqlIdentifier.Quote(group)} TO {SqlIdentifier.Quote(role.Name)}", cancellationToken).ConfigureAwait(false);
                }
            }
            return created;
        }
        catch
        {
            await DropAsync(connection, created, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Drops roles this restore created (when it failed, they own nothing any more).</summary>
    public static async Task DropAsync(NpgsqlConnection connection, IEnumerable<string> created, CancellationToken cancellationToken)
    {
        foreach (var name in created.Reverse())
        {
            await ExecuteAsync(connection, $"DROP ROLE IF EXISTS {SqlIdentifier.Quote(name)}", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The roles pg_restore's <paramref name="stderr"/> says do not exist (<c>ERROR:  role "x" does not exist</c>).</summary>
    public static IReadOnlyList<string> NamedAsMissing(string stderr) =>
        MissingRolePattern().Matches(stderr).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).ToList();

    internal static string CreateStatement(DatabaseRole role)
    {
        var statement = $"CREATE ROLE {SqlIdentifier.Quote(role.Name)} {(role.Login ? "LOGIN" : "NOLOGIN")} {(role.Inherit ? "INHERIT" : "NOINHERIT")}"
            + $" {(role.CreateDatabase ? "CREATEDB" : "NOCREATEDB")} {(role.CreateRole ? "CREATEROLE" : "NOCREATEROLE")}"
            + $" CONNECTION LIMIT {role.ConnectionLimit.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        return role.ValidUntil is { } until
            ? statement + $" VALID UNTIL '{until.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture)}+00'"
            : statement;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql, connection);
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    [GeneratedRegex("role \"(.+?)\" does not exist", RegexOptions.CultureInvariant)]
    private static partial Regex MissingRolePattern();
}
