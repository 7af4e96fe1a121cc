using Backup.Core;
using Backup.Core.Operations;
using Microsoft.EntityFrameworkCore.Infrastructure;

// Beside EF Core's own MigrateAsync, where a host looks for it.
namespace Microsoft.EntityFrameworkCore;

/// <summary>EF Core migrations that first record a recoverable point named by the migration they are about to apply.</summary>
public static class BackupMigrationExtensions
{
    /// <summary>
    /// Applies the pending migrations as <c>MigrateAsync</c> does, after
    /// <see cref="BackupService.BackupBeforeMigrationAsync"/> recorded the point just before the
    /// first of them; recover to it with <see cref="BackupService.RecoverBeforeMigrationAsync"/>
    /// (or <c>backup-core pitr --before-migration ID</c>). With nothing pending no backup is taken.
    /// If the backup fails, nothing is migrated.
    /// </summary>
    /// <param name="database">The context's database; <paramref name="backups"/> must back up the same one.</param>
    /// <param name="backups">The backup service of the host.</param>
    /// <param name="cancellationToken">Cancels the backup or the migration.</param>
    /// <returns>What the hook recorded, or null when no migration was pending.</returns>
    public static async Task<PreMigrationBackup?> MigrateWithBackupAsync(this DatabaseFacade database, BackupService backups, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(backups);
        var pending = (await database.GetPendingMigrationsAsync(cancellationToken).ConfigureAwait(false)).ToList();
        if (pending.Count == 0)
        {
            return null;
        }
        // One point for the batch: recovery before the first pending migration undoes them all.
        var taken = await backups.BackupBeforeMigrationAsync(pending[0], cancellationToken).ConfigureAwait(false);
        await database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        return taken;
    }
}
