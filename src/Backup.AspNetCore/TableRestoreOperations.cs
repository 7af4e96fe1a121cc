using Backup.Core;
using Backup.Core.Abstractions;
using Backup.Core.Operations;

namespace Backup.AspNetCore;

/// <summary>
/// The table restore as the API and the dashboard run it: restore beside the live tables and compare
/// in one operation; copy back only from a restore this server ran, comparing again first, so the
/// SQL that runs is always the server's own (never text from a request) and fits the live rows of now.
/// </summary>
internal static class TableRestoreOperations
{
    public const string Kind = "restore-tables";
    public const string ApplyKind = "restore-tables-apply";

    public static async Task<TableRestoreResponse> RestoreAsync(BackupService backups, TableRestoreRequest request, IProgress<BackupProgress> progress, CancellationToken cancellationToken)
    {
        var restored = await backups.RestoreTablesAsync(
            request.Tables,
            request.At,
            new TableRestoreOptions { TargetSchema = request.TargetSchema, TargetDatabase = request.TargetDatabase, IncludeReferencedTables = request.IncludeReferencedTables, DryRun = request.DryRun },
            progress,
            cancellationToken).ConfigureAwait(false);
        var comparison = restored.DryRun || restored.TargetSchema is null ? null : await backups.CompareRestoredTablesAsync(restored, cancellationToken).ConfigureAwait(false);
        return new TableRestoreResponse(restored, comparison);
    }

    /// <summary>The restore of a succeeded <see cref="Kind"/> operation whose copies are in a schema of the live database.</summary>
    /// <exception cref="BackupNotFoundException">No operation has that id.</exception>
    /// <exception cref="BackupConfigurationException">It is no such operation.</exception>
    public static TableRestoreResult Restored(BackupOperations operations, string operationId)
    {
        var operation = operations.Get(operationId)
            ?? throw new BackupNotFoundException($"There is no operation '{operationId}' (operations are kept in memory for a while after they end, and until the host restarts: restore the tables again).");
        return operation is { Kind: Kind, Status: "succeeded", Result: TableRestoreResponse { Restore: { DryRun: false, TargetSchema: not null } restored } }
            ? restored
            : throw new BackupConfigurationException("operationId", $"The operation '{operationId}' is no succeeded restore-tables operation into a schema of the live database (a dry run or a restore into another database has nothing to copy back).");
    }

    public static async Task<TableRestoreApplyResponse> ApplyAsync(BackupService backups, TableRestoreResult restored, CancellationToken cancellationToken)
    {
        var comparison = await backups.CompareRestoredTablesAsync(restored, cancellationToken).ConfigureAwait(false);
        var written = await backups.ApplyRestoredTablesAsync(comparison, cancellationToken).ConfigureAwait(false);
        return new TableRestoreApplyResponse(comparison, written);
    }
}
