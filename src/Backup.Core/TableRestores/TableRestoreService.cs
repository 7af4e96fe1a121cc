using System.Text.RegularExpressions;
using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Changes;
using Backup.Core.Database;
using Backup.Core.Engine;
using Backup.Core.Operations;
using Backup.Core.Pipeline;
using Backup.Core.Postgres;
using Backup.Core.Recovery;
using Backup.Core.Replay;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Backup.Core.TableRestores;

/// <summary>
/// Chosen tables as they were at a moment, restored beside the live ones: the chain that recovers
/// the moment is planned as for point-in-time recovery, only the chosen tables' rows are restored
/// from its full backup into a scratch database and only their changes replayed there; then,
/// in the scratch database, their triggers are dropped and they move into the side schema, which
/// is copied into the live database (pg_dump -n | pg_restore, objects created only in the new
/// schema: no lock on a live table) and the scratch database dropped. Into another database, the
/// scratch database is that database and is kept.
/// </summary>
internal sealed partial class TableRestoreService(
    BackupCatalog catalog, BackupPipeline pipeline, IDatabaseRestorer? database, IReplayTarget? replayTarget, ISchemaCopier? copier, TimeProvider time, ILogger logger)
{
    /// <summary>See <see cref="BackupService.RestoreTablesAsync"/>.</summary>
    public async Task<TableRestoreResult> RestoreAsync(
        IReadOnlyList<string> tables, DateTimeOffset? at, TableRestoreOptions? options, IProgress<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        options ??= new TableRestoreOptions();
        if (tables.Count == 0)
        {
            throw new ArgumentException("Name at least one table to restore.", nameof(tables));
        }
        if (options.TargetSchema is not null && options.TargetDatabase is not null)
        {
            throw new ArgumentException("Restore into a side schema of the live database (TargetSchema) or into another database (TargetDatabase), not both.", nameof(options));
        }
        var engine = DatabaseRequired.Require(database);
        var started = time.GetUtcNow();
        var side = options.TargetDatabase is null ? options.TargetSchema ?? $"restored_{started.UtcDateTime:yyyyMMdd_HHmmss}" : null;
        if (side is not null && !SchemaName().IsMatch(side))
        {
            throw new ArgumentException($"'{side}' cannot be the target schema: use letters, digits and underscores (not starting with a digit or pg_), at most 63 (TargetSchema).", nameof(options));
        }
        var scratch = options.TargetDatabase ?? $"{engine.Database}_undo_{started.UtcDateTime:yyyyMMdd_HHmmss_fff}";
        engine.ValidateTargetName(scratch, nameof(TableRestoreOptions.TargetDatabase));

        var chain = RecoveryPlanner.Plan(await catalog.ListAllAsync(new BackupQuery { Status = BackupStatus.Completed }, cancellationToken).ConfigureAwait(false), engine.Database, at);
        foreach (var backup in chain.Incrementals.Prepend(chain.Full))
        {
            backup.RequireDetails();
        }
        var until = at ?? chain.WindowEnd;
        var plan = await PlanTablesAsync(engine, chain.Full, tables, options.IncludeReferencedTables, cancellationToken).ConfigureAwait(false);
        if (side is not null)
        {
            // One schema holds them all: two chosen tables of one name would collide there.
            var clash = plan.Tables.GroupBy(t => SqlIdentifier.SplitQualified(t).Table, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (clash is not null)
            {
                throw new BackupException($"The tables {string.Join(" and ", clash)} would have the same name in the schema '{side}': restore them into another database (TargetDatabase), or one at a time.");
            }
            if (await SchemaExistsAsync(side, cancellationToken).ConfigureAwait(false))
            {
                throw new BackupException($"The schema '{side}' exists in the database '{engine.Database}': a table restore creates a new schema. Choose another name (TargetSchema) or drop it.");
            }
        }
        if (await engine.DatabaseExistsAsync(scratch, cancellationToken).ConfigureAwait(false))
        {
            throw new BackupException($"The database '{scratch}' exists: a table restore creates a new one. Choose another name (TargetDatabase) or drop it.");
        }
        var timestamp = chain.Incrementals.Any(i => RecoveryCaveats.IsTimestampMode(i) && i.SnapshotAt <= until);
        var chosen = new HashSet<string>(plan.Tables, StringComparer.Ordinal);
        var notCovered = RecoveryCaveats.TablesNotCovered(chain, until).Where(chosen.Contains).ToList();
        var caveats = RecoveryCaveats.Of(chain, until, notCovered, []);
        caveats.Add(KeptInCopies);
        var ids = new[] { chain.Full.Id }.Concat(chain.Incrementals.Select(i => i.Id)).ToList();
        var steps = new List<string>
        {
            $"restore the rows of {string.Join(", ", plan.TablesWithData)} from the full backup {chain.Full.Id} (snapshot {chain.WindowStart:u}) into {(side is null ? "the new database" : "a scratch database")} '{scratch}'",
            chain.Incrementals.Count == 0
                ? "no incremental backups to replay"
                : $"replay those tables' changes from {chain.Incrementals.Count} incremental backup(s) {chain.Incrementals[0].Id} .. {chain.Incrementals[^1].Id}, every transaction committed at or before {until:u}{(timestamp ? " (timestamp mode: to the last incremental at or before it, deletes not covered)" : "")}",
            "drop the copies' triggers",
        };
        steps.AddRange(plan.BroughtIn.Select(b => $"bring in {b}"));
        steps.AddRange(plan.LeftOut.Where(l => l.Kind is "foreign key" or "trigger").Select(l => $"leave out {l}"));
        if (side is not null)
        {
            steps.Add($"move them into the schema '{side}', copy it into the live database '{engine.Database}' (pg_dump -n | pg_restore, one transaction, no lock on a live table), drop '{scratch}'");
        }
        var planned = new TableRestoreResult
        {
            Database = engine.Database,
            TargetSchema = side,
            TargetDatabase = side is null ? scratch : null,
            Tables = [],
            At = until,
            ExactToTransaction = !timestamp,
            BackupIds = ids,
            Plan = steps,
            Caveats = caveats,
            DryRun = options.DryRun,
        };
        if (options.DryRun)
        {
            return planned;
        }

        var replay = DatabaseRequired.Require(replayTarget);
        var schemaCopier = side is null ? null : DatabaseRequired.Require(copier);
        Log.TableRestoreStarting(logger, string.Join(", ", plan.Tables), until, side ?? scratch);
        progress?.Report(new BackupProgress("restoring " + chain.Full.Id, 0));
        await engine.RestoreTablesAsync(
            new EngineRestoreRequest { TargetDatabase = scratch, Tables = plan.Tables, BackupProperties = chain.Full.Properties },
            plan, FullBackupSources.Of(chain.Full, pipeline), cancellationToken).ConfigureAwait(false);
        IReadOnlyList<RestoredTable> restored;
        DateTimeOffset reached;
        try
        {
            var filter = new ReplayTableFilter(plan.Tables);
            reached = await ReplayAsync(replay, chain, scratch, until, filter, progress, cancellationToken).ConfigureAwait(false);
            progress?.Report(new BackupProgress("preparing the copies", 0));
            restored = await PrepareCopiesAsync(replay, scratch, filter.Tables, side, cancellationToken).ConfigureAwait(false);
            if (schemaCopier is not null)
            {
                progress?.Report(new BackupProgress("copying into " + side, 0));
                await schemaCopier.CopySchemaAsync(scratch, side!, engine.Database, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            // Neither a half-replayed scratch database nor one named as the target must stay behind.
            Log.RestoreFailedDroppingTarget(logger, scratch, ex.Message);
            await TryDropAsync(engine, scratch).ConfigureAwait(false);
            throw;
        }
        Log.TableRestoreFinished(logger, restored.Count, side ?? scratch, reached);
        var result = planned with { Tables = restored, Reached = reached };
        if (side is not null && !await TryDropAsync(engine, scratch).ConfigureAwait(false))
        {
            // The copies are in the side schema: the result names them; the leftover only costs space.
            result = result with { Caveats = [.. result.Caveats, $"The scratch database '{scratch}' could not be dropped (see the log): drop it by hand."] };
        }
        return result;
    }

    // A failing drop must neither hide the restore's own error nor the copies it made: logged, and false.
    private async Task<bool> TryDropAsync(IDatabaseRestorer engine, string scratch)
    {
        try
        {
            await engine.DropDatabaseAsync(scratch, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.ScratchDatabaseNotDropped(logger, scratch, ex.Message);
            return false;
        }
    }

    /// <summary>What the caveats say about the copies.</summary>
    internal const string KeptInCopies =
        "The copies keep their columns, defaults, primary keys, unique and check constraints, indexes, owned sequences (at the moment's values), owners and grants, "
        + "and the foreign keys among restored tables; they have no triggers (none fires on them), and no foreign key to a table not restored.";

    // With referenced tables asked for, the plan grows until no restored table's foreign key points outside it.
    private async Task<TableRestorePlan> PlanTablesAsync(IDatabaseRestorer engine, BackupManifest full, IReadOnlyList<string> tables, bool referenced, CancellationToken cancellationToken)
    {
        var asked = tables.ToList();
        while (true)
        {
            var plan = await engine.PlanTableRestoreAsync(asked, ct => pipeline.OpenReadAsync(full.Content!, ct), cancellationToken).ConfigureAwait(false);
            if (!referenced || plan.MissingReferences.Count == 0)
            {
                return plan;
            }
            asked.AddRange(plan.MissingReferences);
        }
    }

    private async Task<bool> SchemaExistsAsync(string schema, CancellationToken cancellationToken)
    {
        var live = DatabaseRequired.Require(copier);
        var connection = await live.OpenAsync(live.Database, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", connection) { Parameters = { new() { Value = schema } } };
            await using (command.ConfigureAwait(false))
            {
                return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }
        }
    }

    private async Task<DateTimeOffset> ReplayAsync(
        IReplayTarget replay, RecoveryChain chain, string scratch, DateTimeOffset until, ReplayTableFilter filter, IProgress<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        var connection = await replay.OpenForReplayAsync(scratch, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var replayer = new ChangeReplayer(connection, logger, chain.Incrementals.Any(RecoveryCaveats.IsTimestampMode), filter);
            foreach (var incremental in chain.Incrementals)
            {
                progress?.Report(new BackupProgress("replaying " + incremental.Id, 0));
                var more = await pipeline.ReadAsync(incremental.Content!, (stream, ct) => replayer.ApplyAsync(new ChangeSegmentReader(stream), until, ct), cancellationToken).ConfigureAwait(false);
                if (!more)
                {
                    break;
                }
            }
            await replayer.SetSequencesAsync(cancellationToken).ConfigureAwait(false);
            return replayer.ReachedCommitTime ?? chain.WindowStart;
        }
    }

    // In the scratch database: no trigger (an audit trigger must not fire on the copy, nor come
    // along into the live database), then, for a side schema, every table moved into it (their
    // owned sequences, indexes and constraints go with them). Returns the tables and their rows.
    private static async Task<IReadOnlyList<RestoredTable>> PrepareCopiesAsync(
        IReplayTarget replay, string scratch, IReadOnlySet<string> tables, string? side, CancellationToken cancellationToken)
    {
        var connection = await replay.OpenForReplayAsync(scratch, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var present = new List<(string Name, string Schema, string Table, bool HasRows)>();
            var list = new NpgsqlCommand(
                "SELECT n.nspname, c.relname, c.relkind = 'r' FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1, 2",
                connection);
            await using (list.ConfigureAwait(false))
            {
                var reader = await list.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var name = $"{reader.GetString(0)}.{reader.GetString(1)}";
                        if (tables.Contains(name))
                        {
                            present.Add((name, reader.GetString(0), reader.GetString(1), reader.GetBoolean(2)));
                        }
                    }
                }
            }
            var script = new List<string> { DropTriggersSql(connection.PostgreSqlVersion.Major) };
            if (side is not null)
            {
                script.Add("CREATE SCHEMA " + SqlIdentifier.Quote(side));
                script.AddRange(present.Select(t => $"ALTER TABLE {SqlIdentifier.Quote(t.Schema)}.{SqlIdentifier.Quote(t.Table)} SET SCHEMA {SqlIdentifier.Quote(side)}"));
            }
            var restored = new List<RestoredTable>();
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                foreach (var sql in script)
                {
                    await ExecuteAsync(connection, sql, cancellationToken).ConfigureAwait(false);
                }
                foreach (var table in present)
                {
                    var copy = side is null ? table.Name : $"{side}.{table.Table}";
                    var count = new NpgsqlCommand($"SELECT count(*) FROM ONLY {SqlIdentifier.QuoteQualified(copy)}", connection) { CommandTimeout = 0 };
                    await using (count.ConfigureAwait(false))
                    {
                        restored.Add(new RestoredTable(table.Name, copy, table.HasRows ? (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! : 0));
                    }
                }
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            return restored;
        }
    }

    /// <summary>
    /// Drops every trigger of the database the copies are in. A trigger cloned onto a partition goes
    /// with its parent's: from PostgreSQL 13 on it is marked by <c>tgparentid</c> (which older servers
    /// do not have); before 13 a cloned trigger is internal, which the query already leaves out.
    /// </summary>
    internal static string DropTriggersSql(int serverMajorVersion) => $$"""
        DO $$ DECLARE t record; BEGIN
          FOR t IN SELECT tgname, tgrelid::regclass AS rel FROM pg_trigger WHERE NOT tgisinternal{{(serverMajorVersion >= 13 ? " AND tgparentid = 0" : "")}} LOOP
            EXECUTE format('DROP TRIGGER %I ON %s', t.tgname, t.rel);
          END LOOP;
        END $$
        """;

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await using (command.ConfigureAwait(false))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    [GeneratedRegex("^(?!pg_)[A-Za-z_][A-Za-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex SchemaName();
}
