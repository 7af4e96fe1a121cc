using Backup.Core.Abstractions;
using Backup.Core.Catalog;
using Backup.Core.Diagnostics;
using Backup.Core.Changes;
using Backup.Core.Database;
using Backup.Core.Engine;
using Backup.Core.Files;
using Backup.Core.Operations;
using Backup.Core.Pipeline;

namespace Backup.Core.Verification;

/// <summary>
/// Verification of any backup: a full backup's archive (and, deep, a scratch restore with its row
/// counts), an incremental's change segment, a file backup's tar archive — every hash and tag on the way.
/// </summary>
internal sealed class BackupVerifier(BackupCatalog catalog, BackupPipeline pipeline, IDatabaseRestorer? database, RolesObject roles, FileBackups files)
{
    /// <summary>Verifies the backup <paramref name="id"/>; see <see cref="BackupService.VerifyBackupAsync"/>.</summary>
    public Task<VerifyResult> VerifyAsync(string id, bool deep, CancellationToken cancellationToken) =>
        BackupTracing.TraceAsync("verify", id, null, _ => VerifyTracedAsync(id, deep, cancellationToken));

    private async Task<VerifyResult> VerifyTracedAsync(string id, bool deep, CancellationToken cancellationToken)
    {
        switch ((await catalog.GetAsync(id, cancellationToken).ConfigureAwait(false)).RequireDetails())
        {
            case { Type: BackupType.Incremental, Status: BackupStatus.Completed, Content: not null } incremental:
                return await VerifySegmentAsync(incremental, cancellationToken).ConfigureAwait(false);
            case { Type: BackupType.Files, Status: BackupStatus.Completed, Content: not null, Files: not null } fileBackup:
                return await files.VerifyAsync(fileBackup, cancellationToken).ConfigureAwait(false);
        }
        var manifest = await catalog.GetRestorableAsync(id, cancellationToken).ConfigureAwait(false);
        var checks = new List<VerifyCheck>();
        var engine = DatabaseRequired.Require(database);
        try
        {
            var toc = await pipeline.ReadAsync(manifest.Content!, engine.ListArchiveAsync, cancellationToken).ConfigureAwait(false);
            var content = manifest.Content!;
            checks.Add(new VerifyCheck("stored bytes", true, $"{content.StoredBytes:N0} bytes, SHA-256 {content.StoredSha256}"));
            if (content.IsEncrypted)
            {
                checks.Add(new VerifyCheck("encryption", true, $"every {content.EncryptionAlgorithm} frame authenticated with key '{content.EncryptionKeyId}'"));
            }
            checks.Add(new VerifyCheck("plain bytes", true, $"{content.RawBytes:N0} bytes, SHA-256 {content.PlainSha256}"));
            checks.Add(new VerifyCheck("archive", true, $"pg_restore lists {toc.Split('\n').Count(l => l.Length > 0 && !l.StartsWith(';'))} entries"));
            if (manifest.Parts.Count > 0)
            {
                checks.Add(await FullBackupParts.VerifyAsync(manifest, pipeline, cancellationToken).ConfigureAwait(false));
            }
            if (manifest.RolesContent is { } rolesContent)
            {
                var recorded = await roles.ReadAsync(manifest, noOwner: false, cancellationToken).ConfigureAwait(false);
                checks.Add(new VerifyCheck("roles", true, $"'{rolesContent.Key}': {recorded!.Count} role(s), every hash checked"));
            }
        }
        catch (Exception ex) when (ex is BackupIntegrityException or EncryptionKeyException or BackupDatabaseException)
        {
            checks.Add(new VerifyCheck("content", false, ex.Message));
            return new VerifyResult { BackupId = id, Deep = deep, Checks = checks };
        }
        if (deep)
        {
            checks.Add(await ScratchRestoreAsync(manifest, engine, cancellationToken).ConfigureAwait(false));
        }
        return new VerifyResult { BackupId = id, Deep = deep, Checks = checks };
    }

    // An incremental backup is checked by reading its change segment through: every record's
    // framing, the end record's totals against the manifest, then (at the end of the stream) the hashes.
    private async Task<VerifyResult> VerifySegmentAsync(BackupManifest manifest, CancellationToken cancellationToken)
    {
        var checks = new List<VerifyCheck>();
        try
        {
            var end = await pipeline.ReadAsync(manifest.Content!, async (stream, ct) =>
            {
                EndItem? last = null;
                await foreach (var item in new ChangeSegmentReader(stream).ReadAllAsync(ct).ConfigureAwait(false))
                {
                    last = item as EndItem ?? last;
                }
                return last;
            }, cancellationToken).ConfigureAwait(false);
            var content = manifest.Content!;
            checks.Add(new VerifyCheck("stored bytes", true, $"{content.StoredBytes:N0} bytes, SHA-256 {content.StoredSha256}"));
            checks.Add(new VerifyCheck("plain bytes", true, $"{content.RawBytes:N0} bytes, SHA-256 {content.PlainSha256}"));
            var matches = end!.Transactions == manifest.TransactionCount && end.Changes == manifest.ChangeCount;
            checks.Add(new VerifyCheck("change segment", matches, $"{end.Transactions:N0} transactions and {end.Changes:N0} row changes (manifest: {manifest.TransactionCount:N0} and {manifest.ChangeCount:N0})"));
        }
        catch (Exception ex) when (ex is BackupIntegrityException or EncryptionKeyException)
        {
            checks.Add(new VerifyCheck("content", false, ex.Message));
        }
        return new VerifyResult { BackupId = manifest.Id, Checks = checks };
    }

    private async Task<VerifyCheck> ScratchRestoreAsync(BackupManifest manifest, IDatabaseRestorer engine, CancellationToken cancellationToken)
    {
        var scratch = $"backup_verify_{manifest.Id[..8]}_{Guid.NewGuid():N}"[..48];
        try
        {
            // Without ownership: a scratch restore proves the data, and must not fail (or create roles) because this server lacks the owners.
            await engine.RestoreAsync(
                new EngineRestoreRequest { TargetDatabase = scratch, BackupProperties = manifest.Properties, NoOwner = true },
                FullBackupSources.Of(manifest, pipeline),
                cancellationToken).ConfigureAwait(false);
            var (counts, mismatches) = await engine.CompareAsync(scratch, manifest.TableRowCounts, cancellationToken).ConfigureAwait(false);
            return mismatches.Count == 0
                ? new VerifyCheck("scratch restore", true, $"restored into a scratch database; {counts.Count} tables, {counts.Values.Sum():N0} rows, every count matches the manifest")
                : new VerifyCheck("scratch restore", false, $"row counts differ from the manifest: {string.Join("; ", mismatches)}");
        }
        catch (Exception ex) when (ex is BackupException)
        {
            return new VerifyCheck("scratch restore", false, ex.Message);
        }
        finally
        {
            await engine.DropDatabaseAsync(scratch, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
