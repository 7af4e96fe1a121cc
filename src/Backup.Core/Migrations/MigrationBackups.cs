using System.Globalization;
using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Database;
using Backup.Core.Engine;
using Backup.Core.Incrementals;
using Backup.Core.Operations;
using Backup.Core.Recovery;
using Microsoft.Extensions.Logging;

namespace Backup.Core.Migrations;

/// <summary>
/// The pre-migration hook: records the moment just before a schema migration as a recoverable
/// point named by the migration's id, and recovers to it by that id.
/// </summary>
internal sealed class MigrationBackups(
    BackupCatalog catalog, IChangeSource? database, FullBackups fullBackups, IncrementalBackups incrementals, PointInTimeRecovery recovery,
    Continuous.CaptureState capture, TimeProvider time, ILogger logger)
{
    // Continuous capture stores a segment within its flush interval (an idle database's within its
    // idle-marker interval); past this the store or the database is in trouble, and the migration waits.
    private static readonly TimeSpan CaptureWait = TimeSpan.FromMinutes(2);

    /// <summary>Takes the pre-migration backup; see <see cref="BackupService.BackupBeforeMigrationAsync"/>.</summary>
    public async Task<PreMigrationBackup> BackupBeforeAsync(string migrationId, CancellationToken cancellationToken)
    {
        MigrationId.Validate(migrationId, nameof(migrationId));
        var engine = DatabaseRequired.Require(database);
        if (capture.Running)
        {
            var chainId = capture.ChainId
                ?? throw new BackupInProgressException("Continuous capture runs but records no chain yet (it waits for a full backup, see status): no pre-migration point can be recorded. Take a full backup first.");
            return await MarkChainAsync(engine, migrationId, chainId, (at, _) => Task.FromResult(capture.RecoveryPoint >= at), cancellationToken).ConfigureAwait(false);
        }
        var marks = new Dictionary<string, string>(StringComparer.Ordinal) { [MigrationMark.BeforeMigration] = migrationId };
        var comment = $"before migration {migrationId}";
        if (await ChainToContinueAsync(engine, cancellationToken).ConfigureAwait(false) is { } chain)
        {
            try
            {
                // With NewChainOnSchemaChange a chain ended by an earlier schema change yields a full backup here.
                var taken = await incrementals.CreateAsync(new IncrementalBackupOptions { Comment = comment, WaitIfBusy = true, Marks = marks }, null, cancellationToken).ConfigureAwait(false);
                return Taken(engine, migrationId, taken);
            }
            catch (SchemaChangedException ex)
            {
                // A schema change since the chain began (an earlier migration) ended it: a new chain starts here.
                Log.PreMigrationChainEnded(logger, migrationId, ex.Message);
            }
            catch (BackupInProgressException)
            {
                // Continuous capture in another process or replica holds the slot: its stored segments are the chain's incrementals.
                return await MarkChainAsync(engine, migrationId, chain.Full.Id, (at, ct) => SegmentStoredAfterAsync(engine, chain.Full.Id, at, ct), cancellationToken).ConfigureAwait(false);
            }
        }
        var full = await fullBackups.CreateAsync(new FullBackupOptions { Comment = comment, WaitIfBusy = true, Marks = marks }, null, cancellationToken).ConfigureAwait(false);
        return Taken(engine, migrationId, full);
    }

    /// <summary>Recovers to the point recorded for <paramref name="migrationId"/>; see <see cref="BackupService.RecoverBeforeMigrationAsync"/>.</summary>
    public async Task<PointInTimeResult> RecoverBeforeAsync(string migrationId, PointInTimeOptions? options, IProgress<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        MigrationId.Validate(migrationId, nameof(migrationId));
        var engine = DatabaseRequired.Require(database);
        var marks = MigrationMark.Read(await catalog.ListAllAsync(new BackupQuery { Status = BackupStatus.Completed, Database = engine.Database }, cancellationToken).ConfigureAwait(false))
            .OrderBy(m => m.At)
            .ToList();
        // A second hook for the same id (a migration retried after a failure) wins: it is nearer the migration.
        var mark = marks.LastOrDefault(m => m.MigrationId == migrationId)
            ?? throw UnknownMigrationException.For(migrationId, engine.Database, [.. marks.Select(m => m.MigrationId).Distinct(StringComparer.Ordinal)]);
        Log.RecoveringBeforeMigration(logger, engine.Database, migrationId, mark.At, mark.Backup.Id);
        var result = await recovery.RecoverAsync(mark.At, options, progress, cancellationToken).ConfigureAwait(false);
        return result with { Plan = [$"just before migration '{migrationId}': {Moment(mark.At)}, recorded with backup {mark.Backup.Id}", .. result.Plan] };
    }

    // The newest chain, when an incremental can continue it: it captures changes from a slot that still holds them.
    private async Task<RecoveryChain?> ChainToContinueAsync(IChangeSource engine, CancellationToken cancellationToken)
    {
        if (!engine.Settings.CapturesChanges)
        {
            return null;
        }
        var chains = RecoveryPlanner.Chains(await catalog.ListAllAsync(new BackupQuery { Status = BackupStatus.Completed }, cancellationToken).ConfigureAwait(false), engine.Database);
        return chains.Count > 0
            && chains[^1].Full.Properties.ContainsKey(ManifestProperties.Slot)
            && !chains[^1].Full.Properties.ContainsKey(ManifestProperties.ChainBroken)
            ? chains[^1] : null;
    }

    // Continuous capture owns the chain (an incremental would fork it): the moment goes on the chain's
    // full backup, and the hook returns once capture has stored every commit up to it, so that the
    // migration's own changes, even one that ends the chain, come after a recoverable point.
    private async Task<PreMigrationBackup> MarkChainAsync(
        IChangeSource engine, string migrationId, string chainId, Func<DateTimeOffset, CancellationToken, Task<bool>> stored, CancellationToken cancellationToken)
    {
        var full = (await catalog.GetAsync(chainId, cancellationToken).ConfigureAwait(false)).RequireDetails();
        var at = time.GetUtcNow();
        var properties = new Dictionary<string, string>(full.Properties, StringComparer.Ordinal) { [MigrationMark.CapturedPrefix + migrationId] = ManifestProperties.Timestamp(at) };
        full = full with { Properties = properties };
        await catalog.SaveAsync(full, cancellationToken).ConfigureAwait(false);
        Log.PreMigrationMarked(logger, migrationId, chainId, at);
        var deadline = at + CaptureWait;
        while (!await stored(at, cancellationToken).ConfigureAwait(false))
        {
            if (time.GetUtcNow() > deadline)
            {
                throw new BackupException($"The point before migration '{migrationId}' of {engine.Database} ({Moment(at)}) is marked on chain {chainId}, but continuous capture has not stored the changes up to it within {CaptureWait.TotalMinutes:0} minutes. Check capture in status before migrating.");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken).ConfigureAwait(false);
        }
        return new PreMigrationBackup { MigrationId = migrationId, Kind = PreMigrationBackupKind.CaptureMark, RecoverTo = at, Backup = full };
    }

    // A segment of capture's covers the commits up to its SnapshotAt (an idle database's markers included), as recovery reads it.
    private async Task<bool> SegmentStoredAfterAsync(IChangeSource engine, string chainId, DateTimeOffset at, CancellationToken cancellationToken) =>
        (await catalog.ListAllAsync(new BackupQuery { Type = BackupType.Incremental, Status = BackupStatus.Completed, Database = engine.Database }, cancellationToken).ConfigureAwait(false))
        .Any(b => b.ChainId == chainId && b.SnapshotAt >= at);

    private PreMigrationBackup Taken(IChangeSource engine, string migrationId, BackupManifest backup)
    {
        var at = MigrationMark.PointOf(backup);
        var kind = backup.Type == BackupType.Full ? PreMigrationBackupKind.Full : PreMigrationBackupKind.Incremental;
        Log.PreMigrationBackupTaken(logger, backup.Id, kind.ToString(), engine.Database, migrationId, at);
        return new PreMigrationBackup { MigrationId = migrationId, Kind = kind, RecoverTo = at, Backup = backup };
    }

    private static string Moment(DateTimeOffset at) => at.ToString("O", CultureInfo.InvariantCulture);
}
